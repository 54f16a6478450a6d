namespace LLM4EHR.Sweeps;

/// <summary>What happened to a sweep run (reported through IProgress; front ends print it).</summary>
public enum SweepEventKind
{
    Started,
    Resumed,
    Skipped,
    Done,
    Failed,
    Interrupted,
}

/// <summary>One sweep run event: <see cref="Detail"/> holds the error of a failed run, the test metric of a finished one.</summary>
public sealed record SweepEvent(SweepEventKind Kind, int Index, int Count, string Name, string? Detail = null);
