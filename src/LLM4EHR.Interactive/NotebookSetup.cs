using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>
/// The one call a notebook makes after referencing the helpers: registers display formatters for DataFrame
/// (HTML table), Plotly.NET charts (HTML with plotly.js embedded) and the live <see cref="TrainingMonitor"/>, in whatever kernel loaded us
/// (our headless runner or VS Code Polyglot Notebooks). Returns an object whose display loads plotly.js.
/// </summary>
public static class NotebookSetup
{
    private const string Html = "text/html";
    private const string PlainText = "text/plain";
    private static int _plotlyJsEmitted;

    /// <summary>How many rows a displayed DataFrame shows.</summary>
    public static int MaxTableRows { get; set; } = 25;

    public static OfflinePlotly Register()
    {
        // Each setup cell run starts a fresh page as far as we know (VS Code replaces its old output).
        Interlocked.Exchange(ref _plotlyJsEmitted, 0);
        Formatter.Register<DataFrame>((frame, writer) => writer.Write(DataFrameHtml.ToHtml(frame, MaxTableRows)), Html);
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml.ToHtml(chart, includePlotlyJs: TakePlotlyJs())), Html);
        Formatter.Register<TrainingMonitor>((monitor, writer) => writer.Write(monitor.ToHtml()), Html);
        Formatter.Register<TrainingMonitor>((monitor, writer) => writer.Write(monitor.ToString()), PlainText);
        Formatter.Register<OfflinePlotly>((setup, writer) =>
        {
            if (TakePlotlyJs())
                writer.Write(PlotlyJs.ScriptTag());
            writer.Write($"<p><small>{System.Net.WebUtility.HtmlEncode(setup.ToString())}</small></p>");
        }, Html);
        foreach (var type in new[] { typeof(DataFrame), typeof(GenericChart), typeof(OfflinePlotly), typeof(TrainingMonitor) })
            Formatter.SetPreferredMimeTypesFor(type, Html);
        return new OfflinePlotly();
    }

    /// <summary>True exactly once per process: the first HTML output that asks gets to carry plotly.js.</summary>
    private static bool TakePlotlyJs() => Interlocked.Exchange(ref _plotlyJsEmitted, 1) == 0;
}
