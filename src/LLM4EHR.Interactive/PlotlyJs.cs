using System.Reflection;
using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>
/// The plotly.js bundle that ships inside the Plotly.NET assembly (embedded resource
/// "Plotly.NET.plotly-&lt;version&gt;.min.js"), so charts render with no internet access.
/// </summary>
public static class PlotlyJs
{
    private static readonly Lazy<(string Version, string Source)> Bundle = new(Load);

    /// <summary>plotly.js version of the embedded bundle, e.g. "2.28.0".</summary>
    public static string Version => Bundle.Value.Version;

    /// <summary>The minified plotly.js source (about 3.5 MB).</summary>
    public static string Source => Bundle.Value.Source;

    /// <summary>
    /// An inline &lt;script&gt; that defines window.Plotly. The bundle is UMD: where require.js is on the page
    /// (classic Jupyter, nbconvert's HTML) it would register an AMD module instead of a global, so it runs
    /// with define/module/exports shadowed. "&lt;/script" inside the source is escaped so the tag cannot end early.
    /// </summary>
    public static string ScriptTag() =>
        "<script type=\"text/javascript\">(function(define, module, exports) {\n"
        + Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)
        + "\n}).call(window, undefined, undefined, undefined);</script>";

    private static (string, string) Load()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} carries no embedded plotly-*.min.js resource");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var version = name["Plotly.NET.plotly-".Length..^".min.js".Length];
        return (version, reader.ReadToEnd());
    }
}
