using System.Diagnostics;

namespace LLM4EHR.Sweeps;

/// <summary>
/// Who is running a sweep run: <c>host:pid</c>, plus <c> slurm JOB_TASK</c> under a Slurm array. A run left "running"
/// by a process of this host that no longer exists (killed, machine rebooted) is stale and may be taken over.
/// </summary>
public static class SweepOwner
{
    public static string Current
    {
        get
        {
            string owner = $"{Environment.MachineName}:{Environment.ProcessId}";
            string? job = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID");
            string? task = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
            return job is null ? owner : $"{owner} slurm {job}_{task}";
        }
    }

    /// <summary>True when <paramref name="owner"/> names a process of this host that has exited.</summary>
    public static bool IsStale(string? owner)
    {
        if (owner is null)
            return true;
        string hostPid = owner.Split(' ')[0];
        int colon = hostPid.LastIndexOf(':');
        if (colon < 0 || hostPid[..colon] != Environment.MachineName || !int.TryParse(hostPid[(colon + 1)..], out int pid))
            return false; // another machine's process: only its own host (or Slurm) can tell
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
