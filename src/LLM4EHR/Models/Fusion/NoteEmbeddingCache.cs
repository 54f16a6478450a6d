using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Fusion;

/// <summary>
/// Pooled note representations of every stay, computed once by <c>llm4ehr embed</c>: a safetensors file with one
/// float32 tensor [H] per stay, keyed by stay name, and metadata saying how they were made (format, task, model
/// fingerprint, pooling, max_tokens). Loaded whole into memory (stays × H floats: 40k stays × 4096 ≈ 650 MB at 8B).
/// </summary>
public sealed class NoteEmbeddingCache
{
    public const string Format = "llm4ehr-note-embeddings/1";
    private readonly Dictionary<string, float[]> _vectors;

    private NoteEmbeddingCache(string path, Dictionary<string, float[]> vectors, int hiddenSize, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _vectors = vectors;
        HiddenSize = hiddenSize;
        Metadata = metadata;
    }

    public string Path { get; }
    public int HiddenSize { get; }
    public int Count => _vectors.Count;
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>A stay's vector; a stay the cache lacks is bad input naming the file and the stay.</summary>
    public float[] Get(string stay) => _vectors.TryGetValue(stay, out var v) ? v
        : throw new BadInputException($"{System.IO.Path.GetFileName(Path)}: {stay}: no cached note embedding for this stay (re-run llm4ehr embed for this data)");

    public bool Contains(string stay) => _vectors.ContainsKey(stay);

    /// <summary>Loads a cache; <paramref name="task"/> must match the one it was written for.</summary>
    public static NoteEmbeddingCache Load(string path, string task)
    {
        if (!File.Exists(path))
            throw new BadInputException($"embeddings.cache: {path}: not found (write it first: llm4ehr embed --config <this config>)");
        using var file = SafeTensorsFile.Open(path);
        string name = System.IO.Path.GetFileName(path);
        var metadata = file.Metadata;
        if (!metadata.TryGetValue("format", out var format) || format != Format)
            throw new BadInputException($"{name}: format: expected '{Format}' (a file written by llm4ehr embed), got '{format ?? "(none)"}'");
        if (metadata.GetValueOrDefault("task") != task)
            throw new BadInputException($"{name}: task: written for '{metadata.GetValueOrDefault("task")}', this experiment is '{task}'");
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int hidden = -1;
        foreach (var key in file.Tensors.Keys)
        {
            using var t = file.Load(key, ScalarType.Float32);
            if (t.dim() != 1 || (hidden >= 0 && t.shape[0] != hidden))
                throw new BadInputException($"{name}: {key}: expected a vector of {(hidden >= 0 ? hidden : "H")} floats, got shape [{string.Join(',', t.shape)}]");
            hidden = (int)t.shape[0];
            vectors[key] = t.data<float>().ToArray();
        }
        if (hidden < 0)
            throw new BadInputException($"{name}: holds no embeddings");
        return new NoteEmbeddingCache(path, vectors, hidden, metadata);
    }
}
