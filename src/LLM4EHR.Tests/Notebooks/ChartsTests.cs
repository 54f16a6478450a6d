using System.Text.Json;
using LLM4EHR.Interactive;
using LLM4EHR.Tests.Support;
using Plotly.NET;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>Chart builders produce the plotly.js figures they promise, and a chart page draws offline.</summary>
public sealed class ChartsTests
{
    private static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void Roc_has_one_line_per_curve_plus_the_chance_diagonal()
    {
        double[] fpr = [0, 0.2, 1], tpr = [0, 0.7, 1];
        var fig = Figure(Charts.Roc([("ihm", fpr, tpr), ("pheno", tpr, tpr)], title: "ROC test"));
        var data = fig.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["ihm", "pheno", "chance"], data.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(fpr, Numbers(data[0].GetProperty("x")));
        Assert.Equal(tpr, Numbers(data[0].GetProperty("y")));
        Assert.Equal([0.0, 1.0], Numbers(data[2].GetProperty("x")));
        Assert.Equal("ROC test", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("False positive rate", fig.GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Series_with_different_x_and_y_lengths_are_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Charts.PrecisionRecall([0.1, 0.2], [0.9], name: "valid"));
        Assert.Contains("series 'valid': x has 2 points but y has 1", e.Message);
        Assert.Throws<ArgumentException>(() => Charts.Bar(["a", "b"], [1.0], name: "counts"));
    }

    [Fact]
    public void Histograms_overlay_with_the_requested_bins_and_bars_group()
    {
        var hist = Figure(Charts.Histogram([("pos", [0.9, 0.8]), ("neg", [0.1, 0.3, 0.2])], bins: 12));
        Assert.Equal("overlay", hist.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.All(hist.GetProperty("data").EnumerateArray(), t =>
        {
            Assert.Equal("histogram", t.GetProperty("type").GetString());
            Assert.Equal(12, t.GetProperty("nbinsx").GetInt32());
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => Charts.Histogram([1.0], bins: 0));

        var bars = Figure(Charts.Bar(["ihm", "pheno"], [("llama", [0.8, 0.7]), ("bert", [0.75, 0.72])]));
        Assert.Equal("group", bars.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.Equal(2, bars.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void Plotly_js_comes_from_the_Plotly_NET_assembly_and_is_safe_to_inline()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", PlotlyJs.Version);
        Assert.Contains($"plotly.js v{PlotlyJs.Version}", PlotlyJs.Source[..2000]);
        Assert.True(PlotlyJs.Source.Length > 1_000_000, $"plotly.js is only {PlotlyJs.Source.Length} chars");
        var tag = PlotlyJs.ScriptTag();
        // Exactly one closing tag: the bundle cannot end the script element early.
        Assert.Equal(tag.Length - "</script>".Length, tag.IndexOf("</script", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Chart_html_escapes_labels_that_would_close_the_script()
    {
        var html = ChartHtml.ToHtml(Charts.Bar(["</script><b>x"], [1.0]), includePlotlyJs: false);
        Assert.DoesNotContain("</script><b>", html);
        Assert.DoesNotContain("plotly.js v", html);
        Assert.Contains("window.Plotly.newPlot(", html);
    }

    [SkippableFact]
    public void Browser_draws_a_standalone_chart_page_offline()
    {
        SystemTool.Require(SystemTool.Chromium, "chromium");
        var chart = Charts.Calibration([("a", [0.1, 0.5, 0.9], [0.2, 0.4, 0.8]), ("b", [0.1, 0.5, 0.9], [0.1, 0.6, 0.95])]);
        var dom = RenderPage(ChartHtml.ToStandalonePage(chart));
        Assert.Equal(1, HeadlessChromium.PlottedCharts(dom));
        Assert.Equal(3, HeadlessChromium.ScatterTraces(dom)); // two models + the diagonal
    }

    [SkippableFact]
    public void Without_plotly_js_on_the_page_nothing_is_drawn()
    {
        // The DOM checks above are not vacuous: the same chart markup without the bundle draws no traces.
        SystemTool.Require(SystemTool.Chromium, "chromium");
        var chart = Charts.Roc([0.0, 0.5, 1.0], [0.0, 0.8, 1.0]);
        var dom = RenderPage("<!DOCTYPE html><html><body>" + ChartHtml.ToHtml(chart, includePlotlyJs: false) + "</body></html>");
        Assert.Equal(0, HeadlessChromium.PlottedCharts(dom));
        Assert.Equal(0, HeadlessChromium.ScatterTraces(dom));
        Assert.Contains(">plotly.js is not loaded", dom);
    }

    private static string RenderPage(string html)
    {
        var dir = Directory.CreateTempSubdirectory("llm4ehr-chart-").FullName;
        try
        {
            var page = Path.Combine(dir, "chart.html");
            File.WriteAllText(page, html);
            return HeadlessChromium.DumpDom(page);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
