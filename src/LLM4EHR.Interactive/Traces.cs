using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>
/// Plotly traces set property by property (Plotly.NET traces are dynamic objects that serialise to plotly.js
/// JSON). Plotly.NET's typed F# builders take dozens of F# option arguments, which read badly from C#.
/// </summary>
internal static class Traces
{
    public static Trace Line(string name, double[] x, double[] y, bool markers = false)
    {
        Check(name, x, y);
        var t = new Trace2D("scatter");
        t.SetProperty("name", name);
        t.SetProperty("x", x);
        t.SetProperty("y", y);
        t.SetProperty("mode", markers ? "lines+markers" : "lines");
        return t;
    }

    /// <summary>The dashed grey y = x reference line over [0, 1].</summary>
    public static Trace Diagonal(string name)
    {
        var t = Line(name, [0.0, 1.0], [0.0, 1.0]);
        t.SetProperty("line", new Dictionary<string, object> { ["dash"] = "dash", ["color"] = "gray", ["width"] = 1 });
        t.SetProperty("hoverinfo", "skip");
        return t;
    }

    public static Trace Histogram(string name, double[] values, int bins, double opacity)
    {
        var t = new Trace2D("histogram");
        t.SetProperty("name", name);
        t.SetProperty("x", values);
        t.SetProperty("nbinsx", bins);
        t.SetProperty("opacity", opacity);
        return t;
    }

    public static Trace Bar(string name, string[] categories, double[] values)
    {
        if (categories.Length != values.Length)
            throw new ArgumentException($"series '{name}': {categories.Length} categories but {values.Length} values");
        var t = new Trace2D("bar");
        t.SetProperty("name", name);
        t.SetProperty("x", categories);
        t.SetProperty("y", values);
        return t;
    }

    /// <summary>Points with asymmetric horizontal error bars (a forest plot row per label).</summary>
    public static Trace Forest(string name, string[] labels, double[] values, double[] lower, double[] upper)
    {
        if (labels.Length != values.Length || lower.Length != values.Length || upper.Length != values.Length)
            throw new ArgumentException($"series '{name}': {labels.Length} labels, {values.Length} values, {lower.Length} lower and {upper.Length} upper bounds");
        var t = new Trace2D("scatter");
        t.SetProperty("name", name);
        t.SetProperty("x", values);
        t.SetProperty("y", labels);
        t.SetProperty("mode", "markers");
        t.SetProperty("error_x", new Dictionary<string, object>
        {
            ["type"] = "data",
            ["symmetric"] = false,
            ["array"] = upper.Zip(values, (u, v) => u - v).ToArray(),
            ["arrayminus"] = values.Zip(lower, (v, l) => v - l).ToArray(),
        });
        return t;
    }

    /// <summary>A heatmap of <paramref name="z"/>[row][column] with a colour bar from <paramref name="zMin"/> to <paramref name="zMax"/>.</summary>
    public static Trace Heatmap(string[] columns, string[] rows, double[][] z, double zMin, double zMax)
    {
        if (z.Length != rows.Length || z.Any(r => r.Length != columns.Length))
            throw new ArgumentException($"heatmap: expected {rows.Length} rows of {columns.Length} values");
        var t = new Trace2D("heatmap");
        t.SetProperty("x", columns);
        t.SetProperty("y", rows);
        t.SetProperty("z", z);
        t.SetProperty("zmin", zMin);
        t.SetProperty("zmax", zMax);
        t.SetProperty("colorscale", "Viridis");
        return t;
    }

    private static void Check(string name, double[] x, double[] y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"series '{name}': x has {x.Length} points but y has {y.Length}");
    }
}
