namespace LLM4EHR.Sweeps;

/// <summary>
/// Where a sweep run stands. Pending and Interrupted runs are picked up by the next <c>sweep</c> (Interrupted ones resume
/// from their checkpoint); Failed runs are retried by the next <c>sweep</c> invocation; Done runs are never run again.
/// </summary>
public enum SweepRunStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Interrupted,
}
