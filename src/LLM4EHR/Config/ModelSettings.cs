using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>The model family an experiment trains (<c>model.type</c>); every family is a backbone + pooled head.</summary>
public enum ModelType
{
    /// <summary>A Hugging Face Llama checkpoint over the joined notes (optionally NF4 + LoRA): the baseline.</summary>
    Llama,
    /// <summary>An LSTM over the regular time series (<c>reg_ts</c>).</summary>
    Lstm,
    /// <summary>A 1-D CNN over the regular time series.</summary>
    Cnn,
    /// <summary>L2 logistic regression on hand-engineered time-series features (mimic3-benchmarks style).</summary>
    Logreg,
    /// <summary>Notes (Llama) and time series, pooled representations concatenated under one head.</summary>
    Fusion,
    /// <summary>BERT over 510-token chunks of the notes, chunk representations pooled (upstream's <c>belt</c>).</summary>
    Belt,
    /// <summary>A Longformer encoder (sliding-window + global attention) over the notes.</summary>
    Longformer,
    /// <summary>A BigBird encoder (block-sparse attention) over the notes.</summary>
    Bigbird,
}

/// <summary>What each model family reads.</summary>
public static class ModelTypes
{
    /// <summary>The config word for a type (<c>llama</c>, <c>lstm</c>, …).</summary>
    public static string Word(this ModelType type) => type.ToString().ToLowerInvariant();

    /// <summary>Whether the family reads the notes (and so needs a model folder with a tokenizer).</summary>
    public static bool ReadsNotes(this ModelType type) => type is not (ModelType.Lstm or ModelType.Cnn or ModelType.Logreg);

    /// <summary>Whether the family reads the time series.</summary>
    public static bool ReadsSeries(this ModelType type) => type is ModelType.Lstm or ModelType.Cnn or ModelType.Logreg or ModelType.Fusion;
}

/// <summary>
/// The backbone: a local Hugging Face folder at <paramref name="Path"/> (with <paramref name="Tiny"/>, a random
/// tiny Llama is created there on first use). <paramref name="Device"/> is auto|cpu|cuda (see
/// <see cref="Runtime.ComputeDevice.Resolve"/>); <paramref name="Dtype"/> is auto|float32|bfloat16
/// (auto: bfloat16 on CUDA and on CPUs with native bf16, else float32; see Runtime/CpuComputeDtype).
/// </summary>
public sealed record ModelSettings(string Path, TinyLlamaSettings? Tiny, string Device, string Dtype, bool GradientCheckpointing)
{
    /// <summary>The model family (<c>type</c>, default <c>llama</c>).</summary>
    public ModelType Type { get; init; } = ModelType.Llama;

    /// <summary>Refuse weights holding NaN/Inf at load (<c>check_weights</c>, default on).</summary>
    public bool CheckWeights { get; init; } = true;

    internal static ModelSettings Read(ConfigSection s)
    {
        var type = Enum.Parse<ModelType>(s.OneOf("type", "llama", [.. Enum.GetValues<ModelType>().Select(t => t.Word())]), ignoreCase: true);
        string? path = s.OptionalText("path");
        var tinySection = s.Section("tiny");
        var m = new ModelSettings(path ?? "", tinySection is null ? null : TinyLlamaSettings.Read(tinySection),
            s.OneOf("device", "auto", "auto", "cpu", "cuda"), s.OneOf("dtype", "auto", "auto", "float32", "bfloat16"),
            s.Bool("gradient_checkpointing", false))
        {
            CheckWeights = s.Bool("check_weights", true),
            Type = type,
        };
        if (path is null or "" && type.ReadsNotes())
            throw s.Error("path", "required: a local Hugging Face model folder (config.json + *.safetensors)");
        s.Finish();
        return m;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("type", YamlOut.Word(Type.Word())), ("path", YamlOut.Text(Path)), ("tiny", Tiny?.ToYaml() ?? YamlOut.Null),
        ("device", YamlOut.Word(Device)), ("dtype", YamlOut.Word(Dtype)),
        ("gradient_checkpointing", YamlOut.Bool(GradientCheckpointing)), ("check_weights", YamlOut.Bool(CheckWeights)));
}
