using System.Security.Cryptography;
using System.Text;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Identifies a base model folder without reading its weights: SHA-256 over <c>config.json</c> and the JSON header
/// of every safetensors file (tensor names, dtypes, shapes, byte offsets) in load order. Two folders with the same
/// fingerprint hold the same architecture and tensor layout; re-exported or re-quantized weights change it. Stored in
/// a run folder at train time so a later <c>test</c> refuses a different base model.
/// </summary>
public static class ModelFingerprint
{
    public static string Of(string modelDir)
    {
        string configPath = Path.Combine(modelDir, LlamaConfig.FileName);
        if (!File.Exists(configPath))
            throw new BadInputException($"{configPath}: not found (is model.path a Hugging Face model folder?)");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(configPath));
        foreach (var shard in LlamaLoader.ShardFiles(modelDir))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(shard) + "\n"));
            sha.AppendData(HeaderBytes(shard));
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // Safetensors: 8-byte little-endian header length, then that many bytes of JSON.
    private static byte[] HeaderBytes(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (file.Read(prefix) != 8)
            throw new BadInputException($"{path}: truncated safetensors file (no header length)");
        ulong length = BitConverter.ToUInt64(prefix);
        if (length > (ulong)(file.Length - 8) || length > 100_000_000)
            throw new BadInputException($"{path}: safetensors header length {length} is larger than the file");
        var header = new byte[length];
        file.ReadExactly(header);
        return header;
    }
}
