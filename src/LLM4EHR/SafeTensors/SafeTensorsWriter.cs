
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
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
            header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, t) in list)
        {
            long bytes = t.numel() * t.ElementSize;
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = SafeTensorDtype.NameOf(t.dtype),
                ["shape"] = t.shape,
                ["data_offsets"] = new[] { offset, offset + bytes },
            };
            offset += bytes;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        // Pad the header with spaces to an 8-byte boundary, as the reference writer does, so data stays aligned.
        int padded = (json.Length + 7) / 8 * 8;

        AtomicFile.Write(path, fs =>
        {
            fs.Write(BitConverter.GetBytes((long)padded));
            fs.Write(json);
            for (int i = json.Length; i < padded; i++) fs.WriteByte((byte)' ');
            foreach (var (_, t) in list)
            {
                using var scope = NewDisposeScope();
                var cpu = t.detach().cpu().contiguous();
                if (cpu.numel() > 0)
                    fs.Write(cpu.bytes);
            }
        });
    }
}
