using System.Text.Json;
using LLM4EHR.IO;
using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>
/// Writes tensors in the safetensors format (what Hugging Face and peft read). The file is written beside its
/// destination and renamed into place, so a crash never leaves a half-written checkpoint.
/// </summary>
public static class SafeTensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var byName = list.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        Write(path, list.Select(t => new SafeTensorEntry(t.Key, t.Value.dtype, t.Value.shape)).ToList(), (entry, stream) =>
        {
            using var scope = NewDisposeScope();
            var cpu = byName[entry.Name].detach().cpu().contiguous();
            if (cpu.numel() > 0)
                stream.Write(cpu.bytes);
        }, metadata);
    }

    /// <summary>
    /// Streams a file whose tensors are produced one at a time: the header comes from <paramref name="entries"/>,
    /// then <paramref name="writeData"/> is called per entry, in order, and must write exactly its
    /// <see cref="SafeTensorEntry.ByteLength"/> bytes (e.g. in chunks, so no whole tensor is ever held).
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensorEntry> entries, Action<SafeTensorEntry, Stream> writeData,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = Header(entries, metadata);
        AtomicFile.Write(path, fs =>
        {
            fs.Write(BitConverter.GetBytes((long)header.Length));
            fs.Write(header);
            foreach (var entry in entries)
            {
                long start = fs.Position;
                writeData(entry, fs);
                if (fs.Position - start != entry.ByteLength)
                    throw new InvalidOperationException($"safetensors: '{entry.Name}' wrote {fs.Position - start} bytes, its header says {entry.ByteLength}");
            }
        });
    }

    /// <summary>File size of a safetensors file holding <paramref name="entries"/> (8-byte length + header + data).</summary>
    public static long FileSize(IReadOnlyList<SafeTensorEntry> entries, IReadOnlyDictionary<string, string>? metadata = null) =>
        8 + Header(entries, metadata).Length + entries.Sum(e => e.ByteLength);

    // The JSON header, padded with spaces to an 8-byte boundary as the reference writer does, so data stays aligned.
    private static byte[] Header(IReadOnlyList<SafeTensorEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
            header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var e in entries)
        {
            header[e.Name] = new Dictionary<string, object>
            {
                ["dtype"] = SafeTensorDtype.NameOf(e.Dtype),
                ["shape"] = e.Shape,
                ["data_offsets"] = new[] { offset, offset + e.ByteLength },
            };
            offset += e.ByteLength;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var result = new byte[padded];
        json.CopyTo(result, 0);
        result.AsSpan(json.Length).Fill((byte)' ');
        return result;
    }
}

/// <summary>A tensor to be written: name, dtype and shape are known up front (the header), its bytes come later.</summary>
public sealed record SafeTensorEntry(string Name, ScalarType Dtype, long[] Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteLength => ElementCount * SafeTensorDtype.SizeOf(Dtype);
}
