using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>Combines traces into one chart with a title, axis titles and a common look.</summary>
internal static class Figures
{
    public static GenericChart Build(IReadOnlyList<Trace> traces, string title, string xTitle, string yTitle, bool unitSquare = false, string? barMode = null, int? width = null)
    {
        if (traces.Count == 0)
            throw new ArgumentException("a chart needs at least one series");
        // useDefaults: true applies Plotly.NET's default template (fonts, grid, colours).
        var chart = GenericChart.combine(traces.Select(t => GenericChart.ofTraceObject(true, t)));
        var layout = new Layout();
        if (title.Length > 0)
            layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        layout.SetProperty("xaxis", Axis(xTitle, unitSquare));
        layout.SetProperty("yaxis", Axis(yTitle, unitSquare));
        // Many series (e.g. 25 phenotypes + micro) need room for the legend beside the plot.
        layout.SetProperty("width", width ?? (traces.Count > 8 ? 980 : 640));
        layout.SetProperty("height", unitSquare ? 520 : 420);
        if (barMode is not null)
            layout.SetProperty("barmode", barMode);
        return GenericChart.addLayout(layout, chart);
    }

    private static Dictionary<string, object> Axis(string title, bool unit)
    {
        var axis = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = title } };
        if (unit)
            axis["range"] = new[] { -0.02, 1.02 };
        return axis;
    }
}
