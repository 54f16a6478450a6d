using System.ComponentModel;
using System.Diagnostics;

namespace LLM4EHR.Sweeps.Slurm;

/// <summary>
/// Slurm's client commands (sbatch, squeue, sacct) run as processes. SLURM_CONF and the rest of the environment are
/// inherited, so the caller's cluster settings apply.
/// </summary>
public static class SlurmCommands
{
    /// <summary>Submits a batch script with <c>sbatch --parsable</c>; returns the job id.</summary>
    public static string Submit(string script)
    {
        var (code, stdout, stderr) = Run("sbatch", "--parsable", script);
        if (code != 0)
            throw new BadInputException($"sbatch {script}: {FirstLine(stderr, stdout, code)}");
        // --parsable prints "jobid" or "jobid;cluster".
        string id = stdout.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new BadInputException($"sbatch {script}: unexpected output '{stdout.Trim()}' (expected a job id)");
        return id;
    }

    /// <summary>The job's tasks still in the queue (squeue), or null with the reason when squeue cannot answer.</summary>
    public static (IReadOnlyList<SlurmTaskState>? Tasks, string? Problem) Queue(string jobId) =>
        Parse(Run("squeue", "--noheader", "--jobs", jobId, "--format", "%i|%T|%r"), "squeue");

    /// <summary>The job's tasks from accounting (sacct), or null with the reason (e.g. accounting is not enabled).</summary>
    public static (IReadOnlyList<SlurmTaskState>? Tasks, string? Problem) Accounting(string jobId) =>
        Parse(Run("sacct", "--noheader", "--parsable2", "--allocations", "--jobs", jobId, "--format", "JobID,State,ExitCode"), "sacct");

    private static (IReadOnlyList<SlurmTaskState>?, string?) Parse((int Code, string Out, string Err) result, string tool)
    {
        if (result.Code != 0)
        {
            string problem = FirstLine(result.Err, result.Out, result.Code);
            return (null, problem.StartsWith(tool + ":", StringComparison.Ordinal) ? problem : $"{tool}: {problem}");
        }
        var tasks = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|'))
            .Where(f => f.Length >= 3)
            .Select(f => new SlurmTaskState(f[0], f[1], f[2]))
            .ToList();
        return (tasks, null);
    }

    private static string FirstLine(string stderr, string stdout, int code) =>
        (stderr.Trim().Length > 0 ? stderr : stdout).Trim().Split('\n')[0] is { Length: > 0 } line ? line : $"exit code {code}";

    private static (int Code, string Out, string Err) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
        catch (Win32Exception e)
        {
            return (127, "", $"{tool} not found ({e.Message}); is Slurm installed on this machine?");
        }
    }
}

/// <summary>
/// One array task as squeue or sacct reports it: the task id (<c>JOB_TASK</c>, or a range like <c>JOB_[2-5%2]</c> for
/// tasks not started yet), the state (PENDING, RUNNING, COMPLETED, FAILED, …) and a detail (reason, exit code, elapsed).
/// </summary>
public sealed record SlurmTaskState(string Task, string State, string Detail);
