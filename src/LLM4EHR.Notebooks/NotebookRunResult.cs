namespace LLM4EHR.Notebooks;

/// <summary>The executed notebook. <see cref="Failure"/> is null when every code cell succeeded.</summary>
public sealed record NotebookRunResult(IReadOnlyList<NotebookCell> Cells, CellFailure? Failure, TimeSpan Elapsed);

/// <summary>The first cell that failed: its 1-based position in the notebook and a one-line reason.</summary>
public sealed record CellFailure(int CellNumber, string Message);
