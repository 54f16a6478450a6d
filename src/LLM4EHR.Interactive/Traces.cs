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

    private static void Check(string name, double[] x, double[] y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"series '{name}': x has {x.Length} points but y has {y.Length}");
    }
}
