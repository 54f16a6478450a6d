namespace LLM4EHR.Notebooks;

/// <summary>The first cell that failed: its 1-based position in the notebook and a one-line reason.</summary>
public sealed record CellFailure(int CellNumber, string Message);
