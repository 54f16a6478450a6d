using System.Text.Json;
using System.Text.Json.Serialization;
using LLM4EHR.IO;
using LLM4EHR.Models.Lora;

namespace LLM4EHR.Models;

/// <summary>
/// A trained classifier on disk: only what was trained (adapters + head, via <see cref="TrainedWeights"/>) in
/// <c>trained.safetensors</c>, and the shape of that training in <c>classifier.json</c> (labels, hidden size, LoRA
/// settings or null). Loading checks the JSON against the model first, so a mismatch is one clear line rather than
/// a list of missing tensors.
/// </summary>
public static class ClassifierCheckpoint
{
    public const string WeightsFile = "trained.safetensors";
    public const string ConfigFile = "classifier.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static ClassifierConfig ConfigOf(PooledSequenceClassifier model) =>
        new(model.LabelCount, model.Head.HiddenSize, model.LoraSettings is { } s ? ClassifierLoraConfig.From(s) : null);

    /// <summary>Writes both files into <paramref name="dir"/> (each atomically: temp file + rename).</summary>
    public static void Save(PooledSequenceClassifier model, string dir)
    {
        Directory.CreateDirectory(dir);
        var config = ConfigOf(model);
        string json = JsonSerializer.Serialize(config, Json);
        TrainedWeights.Save(model, Path.Combine(dir, WeightsFile), new Dictionary<string, string> { ["format"] = "pt", ["classifier"] = json });
        AtomicFile.WriteAllText(Path.Combine(dir, ConfigFile), json);
    }

    /// <summary>Reads the config of a saved classifier (to build a matching model before <see cref="Load"/>).</summary>
    public static ClassifierConfig ReadConfig(string dir)
    {
        string path = Path.Combine(dir, ConfigFile);
        if (!File.Exists(path))
            throw new BadInputException($"{path}: classifier config not found");
        try
        {
            return JsonSerializer.Deserialize<ClassifierConfig>(File.ReadAllText(path), Json)
                ?? throw new BadInputException($"{path}: empty classifier config");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: invalid classifier config: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Copies saved adapters and head into <paramref name="model"/>; its configuration must match.</summary>
    public static void Load(PooledSequenceClassifier model, string dir)
    {
        var saved = ReadConfig(dir);
        var ours = ConfigOf(model);
        string path = Path.Combine(dir, ConfigFile);
        if (saved.LabelCount != ours.LabelCount)
            throw new BadInputException($"{path}: label_count: saved {saved.LabelCount}, model has {ours.LabelCount}");
        if (saved.HiddenSize != ours.HiddenSize)
            throw new BadInputException($"{path}: hidden_size: saved {saved.HiddenSize}, model has {ours.HiddenSize}");
        bool loraMatches = saved.Lora is null
            ? ours.Lora is null
            : ours.Lora is not null && SameAdapterShape(saved.Lora, ours.Lora);
        if (!loraMatches)
            throw new BadInputException($"{path}: lora: saved {Describe(saved.Lora)}, model has {Describe(ours.Lora)}");
        TrainedWeights.Load(model, Path.Combine(dir, WeightsFile));
    }

    // Seed and dropout only matter while training; what must agree is which tensors exist and how they scale.
    private static bool SameAdapterShape(ClassifierLoraConfig a, ClassifierLoraConfig b) =>
        a.R == b.R && a.Alpha == b.Alpha && a.Targets.Order().SequenceEqual(b.Targets.Order());

    private static string Describe(ClassifierLoraConfig? c) =>
        c is null ? "none" : $"r={c.R} alpha={c.Alpha} dropout={c.Dropout} targets=[{string.Join(",", c.Targets)}] seed={c.Seed}";
}
