using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>QLoRA storage of the frozen base: NF4 4-bit blocks, optionally with quantized block scales.</summary>
public sealed record QuantizationSettings(bool Nf4, bool DoubleQuant)
{
    internal static QuantizationSettings Read(ConfigSection s)
    {
        var q = new QuantizationSettings(s.Bool("nf4", false), s.Bool("double_quant", false));
        if (q.DoubleQuant && !q.Nf4)
            throw s.Error("double_quant", "needs nf4: true (it quantizes the NF4 block scales)");
        s.Finish();
        return q;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(("nf4", YamlOut.Bool(Nf4)), ("double_quant", YamlOut.Bool(DoubleQuant)));
}
