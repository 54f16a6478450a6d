using System.ComponentModel;
using LLM4EHR.Sweeps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr sweep task SWEEP_DIR --index I</c>: runs one run of a sweep (what each Slurm array task does, with
/// I = SLURM_ARRAY_TASK_ID). A done run is skipped; a run with a checkpoint resumes, also after a requeue. SIGTERM or
/// Ctrl+C saves the checkpoint and exits 130. Exit codes: 0 done, 1 the run failed, 130 interrupted, 2 bad input.
/// </summary>
[CliCommand("task", "Run one run of a sweep by index (a Slurm array task: --index $SLURM_ARRAY_TASK_ID).", Branch = "sweep")]
internal sealed class SweepTaskCommand : Command<SweepTaskCommand.Settings>
{
    public sealed class Settings : SweepDirSettings
    {
        [CommandOption("--index <I>")]
        [Description("Which run (0-based, the order of sweep.json).")]
        public int? Index { get; init; }

        public override ValidationResult Validate() =>
            Index is null ? ValidationResult.Error("--index I is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var executor = SweepConsole.Executor(settings.SweepDir);
        using var signals = new CancelSignals(cancellationToken);
        var outcome = executor.RunOne(settings.Index!.Value, signals.Token);
        var run = outcome.Manifest.Runs[settings.Index.Value];
        return outcome.Interrupted ? 130 : run.Status == SweepRunStatus.Failed ? 1 : 0;
    }
}
