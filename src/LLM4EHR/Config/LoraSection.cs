using LLM4EHR.Models.Lora;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// The <c>lora:</c> section, read into and written from the one <see cref="LoraSettings"/> type the adapters use
/// (so the config and the code share one default: the seed's r 8 / alpha 32 on q_proj + v_proj). Disabled: only the
/// head trains.
/// </summary>
internal static class LoraSection
{
    internal static LoraSettings Read(ConfigSection s)
    {
        var defaults = new LoraSettings();
        var l = new LoraSettings
        {
            Enabled = s.Bool("enabled", defaults.Enabled),
            R = s.Int("r", defaults.R, min: 1),
            Alpha = s.Number("alpha", defaults.Alpha, min: 0, exclusiveMin: true),
            Dropout = s.Number("dropout", defaults.Dropout, min: 0, max: 0.99),
            Targets = s.TextList("targets", defaults.Targets),
        };
        if (l.Enabled && l.Targets.Count == 0)
            throw s.Error("targets", "expected at least one module name (e.g. [q_proj, v_proj]) when LoRA is enabled");
        var unknown = l.Targets.Where(t => !Models.Llama.LlamaProjections.ShortNames.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw s.Error("targets", $"unknown module '{unknown[0]}' (expected some of {string.Join(", ", Models.Llama.LlamaProjections.ShortNames)})");
        s.Finish();
        return l;
    }

    internal static YamlMappingNode ToYaml(LoraSettings l) => YamlOut.Map(
        ("enabled", YamlOut.Bool(l.Enabled)), ("r", YamlOut.Int(l.R)), ("alpha", YamlOut.Num(l.Alpha)),
        ("dropout", YamlOut.Num(l.Dropout)), ("targets", YamlOut.Texts(l.Targets)));
}
