using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// LoRA adapters on the named projections (HF module-name suffixes such as <c>q_proj</c>); the update is
/// scaled by <paramref name="Alpha"/>/<paramref name="R"/>. Disabled: only the head trains. Targets default to
/// q_proj + v_proj (peft's Llama default and the project's), the same default as <see cref="Models.Lora.LoraSettings"/>.
/// </summary>
public sealed record LoraSettings(bool Enabled, int R, double Alpha, double Dropout, IReadOnlyList<string> Targets)
{
    internal static LoraSettings Read(ConfigSection s, ModelType type = ModelType.Llama)
    {
        // The encoders name their linears as HF's BERT does (query, key, value, dense), the Llama as q_proj, … .
        bool encoder = type.IsEncoder();
        var known = encoder ? EncoderSettings.LoraTargets : Models.Llama.LlamaProjections.ShortNames;
        var l = new LoraSettings(s.Bool("enabled", true), s.Int("r", Models.Lora.LoraSettings.DefaultR, min: 1), s.Number("alpha", Models.Lora.LoraSettings.DefaultAlpha, min: 0, exclusiveMin: true),
            s.Number("dropout", 0.05, min: 0, max: 0.99), s.TextList("targets", encoder ? EncoderSettings.DefaultLoraTargets : Models.Lora.LoraSettings.DefaultTargets));
        if (l.Enabled && l.Targets.Count == 0)
            throw s.Error("targets", $"expected at least one module name (e.g. [{string.Join(", ", encoder ? EncoderSettings.DefaultLoraTargets : Models.Lora.LoraSettings.DefaultTargets)}]) when LoRA is enabled");
        var unknown = l.Targets.Where(t => !known.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw s.Error("targets", $"unknown module '{unknown[0]}' for model.type {type.Word()} (expected some of {string.Join(", ", known)})");
        s.Finish();
        return l;
    }

    /// <summary>The adapter settings these config values describe (<paramref name="seed"/> seeds A's init); null when disabled.</summary>
    public Models.Lora.LoraSettings? ToAdapterSettings(long seed) => Enabled
        ? new Models.Lora.LoraSettings { R = R, Alpha = Alpha, Dropout = Dropout, Targets = Targets, Seed = seed }
        : null;

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("enabled", YamlOut.Bool(Enabled)), ("r", YamlOut.Int(R)), ("alpha", YamlOut.Num(Alpha)),
        ("dropout", YamlOut.Num(Dropout)), ("targets", YamlOut.Texts(Targets)));
}
