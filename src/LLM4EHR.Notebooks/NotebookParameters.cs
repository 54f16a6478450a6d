using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Documents;

namespace LLM4EHR.Notebooks;

/// <summary>
/// Papermill's parameters for .dib notebooks: the first code cell whose first line starts with <c>// parameters</c>
/// holds the defaults (plain <c>var name = value;</c> lines, so the notebook runs as is in VS Code); values given on the
/// command line (<c>--param task=pheno</c>) go into a cell inserted right after it, which redeclares those variables
/// (C# script lets a later submission shadow an earlier one). One notebook then renders one report per setting.
/// </summary>
public static partial class NotebookParameters
{
    public const string Marker = "// parameters";

    /// <summary>Parses <c>name=value</c>; null with a reason when it is not one.</summary>
    public static (string Name, string Value)? Parse(string text, out string? error)
    {
        int eq = text.IndexOf('=');
        string name = eq > 0 ? text[..eq] : text;
        error = eq <= 0 ? $"--param '{text}': expected name=value"
            : !Identifier().IsMatch(name) ? $"--param '{text}': '{name}' is not a C# variable name" : null;
        return error is null ? (name, text[(eq + 1)..]) : null;
    }

    /// <summary>
    /// The document's cells with the injected-parameters cell after the parameters cell; the same cells when there is
    /// nothing to inject. Throws <see cref="InvalidOperationException"/> when parameters are given and the notebook
    /// declares none, or names a variable its parameters cell does not declare (a typo would otherwise run the default).
    /// </summary>
    public static IReadOnlyList<InteractiveDocumentElement> Inject(IReadOnlyList<InteractiveDocumentElement> cells,
        IReadOnlyList<(string Name, string Value)> parameters)
    {
        if (parameters.Count == 0)
            return cells;
        int at = cells.ToList().FindIndex(c => c.KernelName is not ("markdown" or "md") && c.Contents.TrimStart().StartsWith(Marker, StringComparison.Ordinal));
        if (at < 0)
            throw new InvalidOperationException($"--param given but the notebook has no cell starting with '{Marker}'");
        foreach (var (name, _) in parameters)
            if (!Regex.IsMatch(cells[at].Contents, $@"\bvar\s+{Regex.Escape(name)}\s*="))
                throw new InvalidOperationException($"--param {name}: the parameters cell declares no 'var {name} = …'");
        // Values are strings, written as C# string literals (verbatim, quotes doubled).
        string code = "// injected parameters\n" + string.Join("\n", parameters.Select(p => $"var {p.Name} = @\"{p.Value.Replace("\"", "\"\"")}\";"));
        var list = cells.ToList();
        list.Insert(at + 1, new InteractiveDocumentElement(code, cells[at].KernelName ?? KernelFactory.CSharp));
        return list;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
