namespace LLM4EHR.Notebooks;

/// <summary>The executed notebook. <see cref="Failure"/> is null when every code cell succeeded.</summary>
public sealed record NotebookRunResult(IReadOnlyList<NotebookCell> Cells, CellFailure? Failure, TimeSpan Elapsed);
