using System.Text.RegularExpressions;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>
/// Debian chromium, headless, in a fresh profile and with background networking off: loads a local HTML file,
/// lets its scripts run (virtual time), and returns the DOM as rendered.
/// </summary>
public static partial class HeadlessChromium
{
    public static string DumpDom(string htmlPath)
    {
        var profile = Directory.CreateTempSubdirectory("llm4ehr-chromium-").FullName;
        try
        {
            var run = ProcessRun.Start(SystemTool.Chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom",
                new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            ], TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, $"chromium exited {run.ExitCode}: {run.StdErr.Split('\n').LastOrDefault(l => l.Length > 0)}");
            return run.StdOut;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); }
            catch (IOException) { /* chromium helpers may linger a moment; the OS cleans temp */ }
        }
    }

    /// <summary>Plotly draws each trace of a 2-D scatter plot as &lt;g class="trace scatter ..."&gt; in its SVG.</summary>
    public static int ScatterTraces(string dom) => ScatterTraceElement().Count(dom);

    /// <summary>Chart divs that Plotly has drawn into (it adds the class js-plotly-plot to the target div).</summary>
    public static int PlottedCharts(string dom) => PlottedChartDiv().Count(dom);

    [GeneratedRegex("<g class=\"trace scatter[ \"]")]
    private static partial Regex ScatterTraceElement();

    [GeneratedRegex("class=\"llm4ehr-plot js-plotly-plot\"")]
    private static partial Regex PlottedChartDiv();
}
