namespace LLM4EHR.Interactive;

/// <summary>
/// What <see cref="NotebookSetup.Register"/> returns. Displayed (as the setup cell's result), it puts plotly.js
/// into the page once, so later chart outputs stay small; if it is never displayed, the first chart carries it.
/// </summary>
public sealed class OfflinePlotly
{
    internal OfflinePlotly() { }

    public string PlotlyJsVersion => PlotlyJs.Version;

    public override string ToString() => $"LLM4EHR notebook helpers registered (plotly.js {PlotlyJsVersion} embedded for offline charts)";
}
