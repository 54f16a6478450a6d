namespace LLM4EHR.Sweeps;

/// <summary>
/// One grid dimension: a dotted config key and the values it takes, parsed from <c>--grid KEY=V1,V2,…</c>. Commas
/// inside brackets belong to a list value (<c>lora.targets=[q_proj,v_proj],[q_proj,k_proj,v_proj]</c>).
/// </summary>
public sealed record SweepAxis(string Key, IReadOnlyList<string> Values)
{
    /// <summary>Parses <c>KEY=V1,V2</c>; a malformed spec is a one-line <see cref="BadInputException"/>.</summary>
    public static SweepAxis Parse(string spec)
    {
        int eq = spec.IndexOf('=');
        if (eq <= 0)
            throw new BadInputException($"--grid {spec}: expected KEY=V1,V2,… (e.g. --grid training.seed=1,2,3)");
        string key = spec[..eq].Trim();
        if (key.Split('.').Any(part => part.Length == 0))
            throw new BadInputException($"--grid {spec}: empty key part in '{key}'");
        if (key == "output.run_dir")
            throw new BadInputException($"--grid {spec}: the sweep chooses each run's output.run_dir (SWEEP_DIR/runs/NAME)");
        var values = SplitValues(spec[(eq + 1)..]);
        if (values.Any(v => v.Length == 0))
            throw new BadInputException($"--grid {spec}: empty value (values are separated by commas)");
        if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new BadInputException($"--grid {spec}: value '{twice.Key}' appears twice");
        return new SweepAxis(key, values);
    }

    /// <summary>Parses every spec; the same key twice is an error.</summary>
    public static IReadOnlyList<SweepAxis> ParseAll(IEnumerable<string> specs)
    {
        var axes = specs.Select(Parse).ToList();
        if (axes.GroupBy(a => a.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new BadInputException($"--grid: key '{twice.Key}' is given twice (list all its values in one --grid)");
        return axes;
    }

    /// <summary>The <c>--set</c>-style override of one value.</summary>
    public string Override(string value) => $"{Key}={value}";

    private static List<string> SplitValues(string text)
    {
        var values = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                values.Add(text[start..i].Trim());
                start = i + 1;
            }
            else if (text[i] == '[') depth++;
            else if (text[i] == ']') depth = Math.Max(0, depth - 1);
        }
        return values;
    }
}
