namespace LLM4EHR.Notebooks;

/// <summary>A notebook cell after the run: its source, where it ran, and what it produced.</summary>
/// <param name="Id">nbformat 4.5 cell id (unique, [A-Za-z0-9-_]).</param>
/// <param name="KernelName">"markdown" for markdown cells, else the kernel that ran it (e.g. "csharp").</param>
/// <param name="ExecutionCount">1-based execution order of code cells; null for markdown and cells not run.</param>
public sealed record NotebookCell(string Id, string KernelName, string Source, int? ExecutionCount, IReadOnlyList<CellOutput> Outputs)
{
    public bool IsMarkdown => KernelName == "markdown";
}

/// <summary>One output of an executed cell, already in the shape of a Jupyter output (nbformat 4).</summary>
/// <param name="Kind">"stream", "display_data", "execute_result" or "error".</param>
/// <param name="Data">MIME type → formatted value (display_data / execute_result).</param>
/// <param name="StreamName">"stdout" or "stderr" for streams.</param>
/// <param name="Text">Stream text, or the error message for errors.</param>
/// <param name="ErrorName">Exception type name for errors.</param>
/// <param name="ValueId">Kernel display id, so a later DisplayedValueUpdated can replace this output.</param>
public sealed record CellOutput(
    string Kind,
    IReadOnlyDictionary<string, string>? Data = null,
    string? StreamName = null,
    string? Text = null,
    string? ErrorName = null,
    string? ValueId = null)
{
    public static CellOutput Stream(string name, string text) => new("stream", StreamName: name, Text: text);
    public static CellOutput Display(IReadOnlyDictionary<string, string> data, string? valueId) => new("display_data", data, ValueId: valueId);
    public static CellOutput Result(IReadOnlyDictionary<string, string> data) => new("execute_result", data);
    public static CellOutput Error(string name, string message) => new("error", ErrorName: name, Text: message);
}
