using System.Text.RegularExpressions;
using LLM4EHR.Config;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli;

/// <summary>
/// What the parser alone would get wrong about a command line: <c>help [command]</c> (asked as a verb), <c>--set key value</c>
/// (a missing '='), and unknown options, which strict parsing refuses and this class explains with the closest known
/// option, or the config key a misplaced setting belongs to (<c>--epochs 3</c> → <c>--set training.epochs=3</c>).
/// </summary>
internal static partial class CliArguments
{
    /// <summary>Rewrites <c>help …</c> to <c>… --help</c> and rejects a <c>--set</c> without '='.</summary>
    public static string[] Normalize(string[] args)
    {
        if (args.Length > 0 && args[0] == "help")
            return [.. args[1..], "--help"];
        for (int i = 0; i < args.Length - 1; i++)
            if (args[i] == "--set" && !args[i + 1].Contains('='))
                throw new BadInputException($"--set expects key=value (e.g. --set training.lr=1e-4), got '--set {args[i + 1]}'" +
                    (i + 2 < args.Length && !args[i + 2].StartsWith('-') ? $"; write --set {args[i + 1]}={args[i + 2]}" : ""));
        return args;
    }

    /// <summary>A one-line explanation of an unknown option, or null when <paramref name="e"/> is about something else.</summary>
    public static string? ExplainUnknownOption(CommandParseException e, string[] args)
    {
        var match = UnknownOption().Match(e.Message);
        if (!match.Success)
            return null;
        string name = match.Groups[1].Value;
        string typed = (name.Length == 1 ? "-" : "--") + name;
        var (command, known) = KnownOptions(args);
        if (known.Contains(typed))
        {
            // A branch's default command (sweep --config …) with an unknown option: the parser blames the first option.
            string? actual = args.Select(a => a.Split('=')[0]).FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && !known.Contains(a));
            if (actual is null)
                return null;
            typed = actual;
            name = actual[2..];
        }
        string where = command is null ? "llm4ehr" : $"llm4ehr {command}";
        string? closest = Closest(typed, known);
        if (closest is not null)
            return $"{where}: unknown option '{typed}' (did you mean {closest}?)";
        if (known.Contains("--set") && ConfigKeyNamed(name) is { } key)
        {
            int at = Array.IndexOf(args, typed);
            string value = at >= 0 && at + 1 < args.Length && !args[at + 1].StartsWith("--") ? args[at + 1] : "VALUE";
            return $"{where}: unknown option '{typed}' ({key} is a config key: --set {key}={value})";
        }
        return $"{where}: unknown option '{typed}' (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
    }

    // The command the line names (a branch and its verb, e.g. "bench load") and its long options.
    private static (string? Command, IReadOnlyList<string> Options) KnownOptions(string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToList();
        // Longest path first: "sweep status" before the branch default "sweep".
        foreach (var (attr, settings) in CommandCatalog.Commands().OrderByDescending(c => c.Attr.Path.Length))
        {
            var path = attr.Path;
            if (words.Count >= path.Length && words.Take(path.Length).SequenceEqual(path))
                return (string.Join(' ', path), [.. OptionsOf(settings), "--help", "--verbose"]);
        }
        return (null, ["--help", "--version", "--verbose"]);
    }

    private static IEnumerable<string> OptionsOf(Type settings) =>
        settings.GetProperties()
            .SelectMany(p => p.GetCustomAttributes(typeof(CommandOptionAttribute), true).Cast<CommandOptionAttribute>())
            .SelectMany(o => o.LongNames.Select(n => "--" + n));

    private static string? Closest(string typed, IReadOnlyList<string> known)
    {
        var prefixed = known.Where(k => k.StartsWith(typed, StringComparison.Ordinal) || typed.StartsWith(k, StringComparison.Ordinal)).ToList();
        if (prefixed.Count == 1)
            return prefixed[0];
        var best = known.Select(k => (Option: k, Distance: Levenshtein(typed, k))).MinBy(x => x.Distance);
        return best.Option is not null && best.Distance <= Math.Max(2, typed.Length / 4) ? best.Option : null;
    }

    // A config key whose last part is the option's name (epochs → training.epochs), from a default config.
    private static string? ConfigKeyNamed(string name)
    {
        var defaults = ExperimentConfigLoader.Parse("task: ihm\ndata: {root: d}\nmodel: {path: m}\n", "defaults");
        string leaf = name.Replace('-', '_');
        // Exact leaf first, then one typo away (--epoch → training.epochs).
        foreach (int tolerance in new[] { 0, 1 })
        {
            var keys = ConfigDiff.Flatten(defaults).Keys.Where(k => Levenshtein(k[(k.LastIndexOf('.') + 1)..], leaf) <= tolerance).ToList();
            if (keys.Count > 0)
                return keys.Count == 1 ? keys[0] : null;
        }
        return null;
    }

    private static int Levenshtein(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex(@"^Unknown option '([^']+)'")]
    private static partial Regex UnknownOption();
}
