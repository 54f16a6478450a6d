using System.Text;

namespace LLM4EHR.Sweeps.Slurm;

/// <summary>
/// <c>SWEEP_DIR/sweep.sbatch</c>: a job array with one task per run; task i runs <c>llm4ehr sweep task SWEEP_DIR --index i</c>,
/// which skips a done run and resumes a run from its checkpoint. <c>--requeue</c> lets Slurm requeue a preempted task,
/// and the task then continues from the checkpoint the interrupted attempt saved (the CLI checkpoints on SIGTERM).
/// Two minutes before the time limit Slurm sends USR1: the script asks the run to checkpoint, waits, and requeues the
/// task itself. Logs append to <c>logs/%A_%a.out</c> (one file per task across requeues).
/// </summary>
public static class SlurmScript
{
    /// <param name="command">How to start llm4ehr on the nodes: the apphost, or <c>dotnet</c> and LLM4EHR.Cli.dll.</param>
    public static string Render(string sweepDir, SweepManifest manifest, SlurmOptions options, IReadOnlyList<string> command)
    {
        options.Validate();
        if (command.Count == 0)
            throw new ArgumentException("the llm4ehr command is empty", nameof(command));
        int n = manifest.Runs.Count;
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append($"# LLM4EHR sweep: {n} runs of {manifest.BaseConfig} (written by llm4ehr sweep --slurm; submit with sbatch).\n");
        Directive(sb, "job-name", options.JobName ?? $"llm4ehr-{SweepGrid.Sanitize(Path.GetFileName(sweepDir))}");
        Directive(sb, "array", $"0-{n - 1}" + (options.MaxParallel is { } k ? $"%{k}" : ""));
        Directive(sb, "output", Path.Combine(SweepLayout.Logs(sweepDir), "%A_%a.out"));
        Directive(sb, "open-mode", "append");
        Directive(sb, "chdir", manifest.WorkingDirectory);
        Directive(sb, "requeue", null);
        Directive(sb, "signal", "B:USR1@120");
        Directive(sb, "partition", options.Partition);
        Directive(sb, "gres", options.Gres);
        Directive(sb, "time", options.Time);
        Directive(sb, "mem", options.Mem);
        Directive(sb, "cpus-per-task", options.CpusPerTask?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        sb.Append($$"""

            set -u
            echo "llm4ehr sweep task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -Is)"
            requeue=0
            # USR1 (time limit near): checkpoint, then requeue. TERM (preemption, scancel): checkpoint only; a preempted
            # task is requeued by Slurm (--requeue), a cancelled one stays cancelled and resumes when submitted again.
            # The run is signalled with TERM: a background job of a script ignores INT.
            trap 'requeue=1; kill -TERM "$child" 2>/dev/null' USR1
            trap 'kill -TERM "$child" 2>/dev/null' TERM
            {{string.Join(' ', command.Select(Quote))}} sweep task {{Quote(sweepDir)}} --index "$SLURM_ARRAY_TASK_ID" &
            child=$!
            wait "$child"; status=$?
            # wait returns early when a trap runs: keep waiting until the run has saved its checkpoint and exited.
            while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
            if [ "$requeue" = 1 ]; then
              scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
            fi
            exit "$status"

            """);
        return sb.ToString();
    }

    private static void Directive(StringBuilder sb, string name, string? value)
    {
        if (name != "requeue" && value is null)
            return;
        sb.Append("#SBATCH --").Append(name);
        if (value is not null)
            sb.Append('=').Append(value.Contains(' ') ? $"\"{value}\"" : value);
        sb.Append('\n');
    }

    /// <summary>Single-quotes a word for bash (a quote inside becomes '\'').</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
