using System.Text;

namespace LLM4EHR.Sweeps;

/// <summary>
/// The cartesian product of the axes, the first axis varying slowest (like nested loops in the order given), each
/// point as its <c>--set</c> overrides and a readable folder name: <c>short-key-value</c> parts joined by '_', where the
/// short key is the key's last part (the full key when two axes share a last part) and anything but letters, digits,
/// '.', '+' and '-' becomes '-': <c>lora.enabled=false, training.seed=2</c> → <c>enabled-false_seed-2</c>.
/// </summary>
public static class SweepGrid
{
    /// <summary>The name of the single run of a sweep without axes.</summary>
    public const string NoAxesName = "base";

    public static IReadOnlyList<(string Name, IReadOnlyList<string> Overrides)> Expand(IReadOnlyList<SweepAxis> axes)
    {
        IEnumerable<IReadOnlyList<string>> points = [[]];
        foreach (var axis in axes)
            points = points.SelectMany(p => axis.Values.Select(v => (IReadOnlyList<string>)[.. p, v])).ToList();
        var shortKeys = ShortKeys(axes);
        var named = points.Select(values => (
            Name: values.Count == 0 ? NoAxesName : string.Join('_', values.Select((v, a) => $"{shortKeys[a]}-{Sanitize(v)}")),
            Overrides: (IReadOnlyList<string>)values.Select((v, a) => axes[a].Override(v)).ToList())).ToList();
        // Distinct values can sanitize to one name ("[a,b]" and "[a, b]"): number the later ones.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < named.Count; i++)
            if (!seen.Add(named[i].Name))
            {
                named[i] = named[i] with { Name = $"{named[i].Name}-{i}" };
                seen.Add(named[i].Name);
            }
        return named;
    }

    private static string[] ShortKeys(IReadOnlyList<SweepAxis> axes)
    {
        var last = axes.Select(a => a.Key[(a.Key.LastIndexOf('.') + 1)..]).ToArray();
        return axes.Select((a, i) => last.Count(l => l == last[i]) > 1 ? a.Key : last[i]).ToArray();
    }

    /// <summary>A value as a file-name part: letters, digits, '.', '+', '-' kept; runs of anything else become one '-'.</summary>
    public static string Sanitize(string value)
    {
        var sb = new StringBuilder();
        foreach (char c in value)
        {
            bool keep = char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-';
            if (keep) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        string name = sb.ToString().Trim('-', '.');
        return name.Length == 0 ? "x" : name;
    }
}
