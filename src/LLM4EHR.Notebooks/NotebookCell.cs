namespace LLM4EHR.Notebooks;

/// <summary>A notebook cell after the run: its source, where it ran, and what it produced.</summary>
/// <param name="Id">nbformat 4.5 cell id (unique, [A-Za-z0-9-_]).</param>
/// <param name="KernelName">"markdown" for markdown cells, else the kernel that ran it (e.g. "csharp").</param>
/// <param name="ExecutionCount">1-based execution order of code cells; null for markdown and cells not run.</param>
public sealed record NotebookCell(string Id, string KernelName, string Source, int? ExecutionCount, IReadOnlyList<CellOutput> Outputs)
{
    public bool IsMarkdown => KernelName == "markdown";
}
