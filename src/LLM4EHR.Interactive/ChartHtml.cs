using System.Net;
using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>
/// HTML for one chart: a div plus a script that draws the figure with window.Plotly. Our own markup instead of
/// Plotly.NET's toChartHTML, whose script loads plotly.js through require.js from a CDN (no internet here).
/// </summary>
public static class ChartHtml
{
    private static int _counter;

    /// <param name="includePlotlyJs">Put the plotly.js bundle in front of the chart (needed once per page).</param>
    public static string ToHtml(GenericChart chart, bool includePlotlyJs)
    {
        var id = $"llm4ehr-plot-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        // {"data": [...], "layout": {...}, "config": {...}}; "</" escaped so a label cannot close the script.
        var figure = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        var library = includePlotlyJs ? PlotlyJs.ScriptTag() + "\n" : "";
        return library
            + $"<div id=\"{WebUtility.HtmlEncode(id)}\" class=\"llm4ehr-plot\"></div>\n"
            + "<script type=\"text/javascript\">(function () {\n"
            + $"  var fig = {figure};\n"
            + $"  function draw() {{ window.Plotly.newPlot('{id}', fig.data, fig.layout, fig.config); }}\n"
            // Outputs may be inserted before an earlier output's script has run (VS Code renders asynchronously): wait briefly.
            + "  if (window.Plotly) { draw(); return; }\n"
            + "  var tries = 0, timer = setInterval(function () {\n"
            + "    if (window.Plotly) { clearInterval(timer); draw(); }\n"
            + $"    else if (++tries > 200) {{ clearInterval(timer); document.getElementById('{id}').textContent = 'plotly.js is not loaded: run LLM4EHR.Interactive.NotebookSetup.Register() first.'; }}\n"
            + "  }, 50);\n"
            + "})();</script>";
    }

    /// <summary>A complete, self-contained HTML page with the chart (for saving a chart as a file).</summary>
    public static string ToStandalonePage(GenericChart chart, string title = "chart") =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head><body>\n"
        + ToHtml(chart, includePlotlyJs: true)
        + "\n</body></html>\n";
}
