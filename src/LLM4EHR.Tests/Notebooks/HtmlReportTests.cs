using LLM4EHR.Interactive;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>
/// The --html report (jupyter nbconvert) is one file that draws its charts with no network: plotly.js inline,
/// and a headless browser actually renders the Plotly SVG traces.
/// </summary>
[Collection(NotebookRunCollection.Name)]
public sealed class HtmlReportTests(NotebookRunFixture run)
{
    [SkippableFact]
    public void Html_report_carries_plotly_js_inline()
    {
        SystemTool.Require(SystemTool.Jupyter, "jupyter-nbconvert");
        Assert.True(run.Smoke.ExitCode == 0, run.Smoke.StdOut + run.Smoke.StdErr);
        var html = File.ReadAllText(run.SmokeHtml);
        Assert.Contains($"plotly.js v{PlotlyJs.Version}", html);
        Assert.DoesNotMatch("<script[^>]*src=\"[^\"]*plotly", html);
        Assert.Contains("<td>0.81</td>", html);
    }

    [SkippableFact]
    public void Browser_draws_the_report_charts_offline()
    {
        SystemTool.Require(SystemTool.Jupyter, "jupyter-nbconvert");
        SystemTool.Require(SystemTool.Chromium, "chromium");
        var dom = HeadlessChromium.DumpDom(run.SmokeHtml);
        // Smoke notebook: a ROC chart (model + chance diagonal) and a loss chart (train + valid).
        Assert.Equal(2, HeadlessChromium.PlottedCharts(dom));
        Assert.Equal(4, HeadlessChromium.ScatterTraces(dom));
    }
}
