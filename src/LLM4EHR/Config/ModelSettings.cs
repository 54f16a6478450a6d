using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// The backbone: a local Hugging Face folder at <paramref name="Path"/> (with <paramref name="Tiny"/>, a random
/// tiny Llama is created there on first use). <paramref name="Device"/> is auto|cpu|cuda (see
/// <see cref="Runtime.ComputeDevice.Resolve"/>); <paramref name="Dtype"/> is auto|float32|bfloat16
/// (auto: bfloat16 on CUDA and on CPUs with native bf16, else float32; see Runtime/CpuComputeDtype).
/// </summary>
public sealed record ModelSettings(string Path, TinyLlamaSettings? Tiny, string Device, string Dtype, bool GradientCheckpointing)
{
    /// <summary>Refuse weights holding NaN/Inf at load (<c>check_weights</c>, default on).</summary>
    public bool CheckWeights { get; init; } = true;

    internal static ModelSettings Read(ConfigSection s)
    {
        string? path = s.OptionalText("path");
        var tinySection = s.Section("tiny");
        var m = new ModelSettings(path ?? "", tinySection is null ? null : TinyLlamaSettings.Read(tinySection),
            s.OneOf("device", "auto", "auto", "cpu", "cuda"), s.OneOf("dtype", "auto", "auto", "float32", "bfloat16"),
            s.Bool("gradient_checkpointing", false))
        {
            CheckWeights = s.Bool("check_weights", true),
        };
        if (path is null or "")
            throw s.Error("path", "required: a local Hugging Face model folder (config.json + *.safetensors)");
        s.Finish();
        return m;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("path", YamlOut.Text(Path)), ("tiny", Tiny?.ToYaml() ?? YamlOut.Null),
        ("device", YamlOut.Word(Device)), ("dtype", YamlOut.Word(Dtype)),
        ("gradient_checkpointing", YamlOut.Bool(GradientCheckpointing)), ("check_weights", YamlOut.Bool(CheckWeights)));
}
