using System.Text.Json;
using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>
/// Parses and validates a safetensors header (8-byte little-endian length, then JSON). Every entry is checked
/// against the file before any tensor is read, so a corrupt or hostile file fails with one clear line.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>Same bound as the reference implementation: headers above 100 MB are refused.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static (Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata, long DataStart)
        Parse(string path, ReadOnlySpan<byte> prefix8, Func<long, byte[]> readHeader, long fileLength)
    {
        string file = Path.GetFileName(path);
        if (fileLength < 8)
            throw new BadInputException($"{file}: not a safetensors file (shorter than its 8-byte header length)");
        long headerLength = BitConverter.ToInt64(prefix8);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
            throw new BadInputException($"{file}: safetensors header length {headerLength} is out of range (1..{MaxHeaderBytes})");
        if (8 + headerLength > fileLength)
            throw new BadInputException($"{file}: safetensors header length {headerLength} runs past the end of the file ({fileLength} bytes)");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(readHeader(headerLength)); }
        catch (JsonException e) { throw new BadInputException($"{file}: safetensors header is not valid JSON ({e.Message.Split('.')[0]})"); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new BadInputException($"{file}: safetensors header is not a JSON object");
            long dataStart = 8 + headerLength;
            long dataLength = fileLength - dataStart;
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in prop.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                tensors[prop.Name] = ParseEntry(file, prop, dataLength);
            }
            RequireDisjoint(file, tensors);
            return (tensors, metadata, dataStart);
        }
    }

    // Two tensors sharing bytes would silently alias (a crafted or corrupted file); safetensors forbids it.
    private static void RequireDisjoint(string file, Dictionary<string, SafeTensorInfo> tensors)
    {
        var ordered = tensors.Where(t => t.Value.ByteLength > 0).OrderBy(t => t.Value.Begin).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].Value.Begin < ordered[i - 1].Value.Begin + ordered[i - 1].Value.ByteLength)
                throw new BadInputException($"{file}: tensors '{ordered[i - 1].Key}' and '{ordered[i].Key}' overlap in the data section");
    }

    private static SafeTensorInfo ParseEntry(string file, JsonProperty prop, long dataLength)
    {
        string where = $"{file}: tensor '{prop.Name}'";
        var e = prop.Value;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new BadInputException($"{where}: header entry needs dtype, shape and data_offsets [begin, end]");

        string dtypeName = dtypeEl.GetString()!;
        if (!SafeTensorDtype.TryParse(dtypeName, out var dtype, out int size))
            throw new BadInputException($"{where}: unsupported dtype '{dtypeName}'");
        long[] shape;
        long begin, end;
        try
        {
            shape = shapeEl.EnumerateArray().Select(d => d.GetInt64()).ToArray();
            begin = offEl[0].GetInt64();
            end = offEl[1].GetInt64();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw new BadInputException($"{where}: shape and data_offsets must be integers");
        }
        if (shape.Any(d => d < 0))
            throw new BadInputException($"{where}: negative dimension in shape [{string.Join(',', shape)}]");
        if (begin < 0 || end < begin || end > dataLength)
            throw new BadInputException($"{where}: data_offsets [{begin},{end}] lie outside the data section ({dataLength} bytes)");
        long count;
        try { count = shape.Aggregate(1L, (a, b) => checked(a * b)); }
        catch (OverflowException) { throw new BadInputException($"{where}: shape [{string.Join(',', shape)}] is too large"); }
        if (checked(count * size) != end - begin)
            throw new BadInputException($"{where}: {dtypeName} [{string.Join(',', shape)}] needs {count * size} bytes, offsets span {end - begin}");
        return new SafeTensorInfo(prop.Name, dtypeName, dtype, shape, begin, end);
    }
}

/// <summary>One entry of a safetensors header: dtype, shape and byte range within the data section.</summary>
public sealed record SafeTensorInfo(string Name, string DtypeName, ScalarType Dtype, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteLength => End - Begin;
}
