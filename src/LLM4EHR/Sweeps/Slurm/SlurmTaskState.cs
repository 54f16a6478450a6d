namespace LLM4EHR.Sweeps.Slurm;

/// <summary>
/// One array task as squeue or sacct reports it: the task id (<c>JOB_TASK</c>, or a range like <c>JOB_[2-5%2]</c> for
/// tasks not started yet), the state (PENDING, RUNNING, COMPLETED, FAILED, …) and a detail (reason, exit code, elapsed).
/// </summary>
public sealed record SlurmTaskState(string Task, string State, string Detail);
