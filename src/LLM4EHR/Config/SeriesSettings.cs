using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// The time-series encoders (<c>series:</c>; read by <c>model.type</c> lstm, cnn, logreg and fusion). Defaults are the
/// upstream LLM4EHR <c>lstm</c> settings: hidden 128, 3 layers, dropout 0.1.
/// <paramref name="Encoder"/>: the series encoder a fusion model uses (lstm | cnn).
/// <paramref name="Hidden"/>: LSTM hidden size, or CNN filters per layer. <paramref name="Layers"/>: LSTM or conv layers.
/// <paramref name="Kernel"/>: CNN kernel width in hours (odd). <paramref name="L2"/>: λ of the logistic regression's
/// penalty λ/2·‖w‖² added to the mean BCE (logreg, and linear probes on cached note embeddings).
/// </summary>
public sealed record SeriesSettings(string Encoder = "lstm", int Hidden = 128, int Layers = 3, double Dropout = 0.1, int Kernel = 3, double L2 = 1e-3)
{
    public static SeriesSettings Default { get; } = new();

    internal static SeriesSettings Read(ConfigSection s)
    {
        var d = Default;
        var settings = new SeriesSettings(
            s.OneOf("encoder", d.Encoder, "lstm", "cnn"),
            s.Int("hidden", d.Hidden, min: 1),
            s.Int("layers", d.Layers, min: 1),
            s.Number("dropout", d.Dropout, min: 0, max: 1),
            s.Int("kernel", d.Kernel, min: 1),
            s.Number("l2", d.L2, min: 0));
        if (settings.Kernel % 2 == 0)
            throw s.Error("kernel", $"expected an odd width (same padding keeps every hour), got {settings.Kernel}");
        s.Finish();
        return settings;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("encoder", YamlOut.Word(Encoder)), ("hidden", YamlOut.Int(Hidden)), ("layers", YamlOut.Int(Layers)),
        ("dropout", YamlOut.Num(Dropout)), ("kernel", YamlOut.Int(Kernel)), ("l2", YamlOut.Num(L2)));
}
