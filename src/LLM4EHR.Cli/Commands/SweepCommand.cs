using System.ComponentModel;
using LLM4EHR.Sweeps;
using LLM4EHR.Sweeps.Slurm;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr sweep</c>: expands a grid of <c>--set</c> values into run folders under SWEEP_DIR/runs and runs them here
/// (one after another, or in <c>--workers</c> processes) or as a Slurm job array (<c>--slurm</c>). Running the same command
/// again continues the sweep: done runs are skipped, interrupted ones resume, failed ones are retried.
/// Exit codes: 0 every run done, 1 a run failed (each is listed with its error), 130 interrupted, 2 bad input.
/// </summary>
[CliCommand("sweep", "Run a config over a grid of --set values into SWEEP_DIR/runs (locally or with --slurm).", Branch = "sweep", BranchDefault = true)]
internal sealed class SweepCommand : Command<SweepCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--config <FILE>")]
        [Description("Base experiment YAML every run starts from.")]
        public string Config { get; init; } = "";

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override a config key in every run, e.g. --set training.epochs=1 (repeatable).")]
        public string[] Set { get; init; } = [];

        [CommandOption("--grid <KEY=V1,V2>")]
        [Description("A grid axis, e.g. --grid training.seed=1,2,3 (repeatable; the runs are the cartesian product).")]
        public string[] Grid { get; init; } = [];

        [CommandOption("--out <SWEEP_DIR>")]
        [Description("Sweep folder: sweep.json (manifest) and runs/NAME/ (one run folder per grid point).")]
        public string Out { get; init; } = "";

        [CommandOption("--workers <N>")]
        [Description("Run N runs at a time, each in its own llm4ehr process.")]
        [DefaultValue(1)]
        public int Workers { get; init; } = 1;

        [CommandOption("--slurm")]
        [Description("Write SWEEP_DIR/sweep.sbatch (a job array, one task per run) and submit it with sbatch.")]
        public bool Slurm { get; init; }

        [CommandOption("--dry-run")]
        [Description("With --slurm: write the script, do not submit it.")]
        public bool DryRun { get; init; }

        [CommandOption("--partition <NAME>")]
        [Description("Slurm partition.")]
        public string? Partition { get; init; }

        [CommandOption("--gres <GRES>")]
        [Description("Slurm generic resources per task, e.g. gpu:1.")]
        public string? Gres { get; init; }

        [CommandOption("--time <LIMIT>")]
        [Description("Slurm time limit per task, e.g. 04:00:00 (the task checkpoints and requeues itself 2 minutes before).")]
        public string? Time { get; init; }

        [CommandOption("--mem <SIZE>")]
        [Description("Slurm memory per task, e.g. 32G.")]
        public string? Mem { get; init; }

        [CommandOption("--cpus-per-task <N>")]
        [Description("Slurm CPUs per task.")]
        public int? CpusPerTask { get; init; }

        [CommandOption("--max-parallel <K>")]
        [Description("At most K array tasks at once (--array=0-(N-1)%K).")]
        public int? MaxParallel { get; init; }

        public SlurmOptions SlurmOptions => new()
        {
            Partition = Partition, Gres = Gres, Time = Time, Mem = Mem, CpusPerTask = CpusPerTask, MaxParallel = MaxParallel,
        };

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Config)) return ValidationResult.Error("--config FILE is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out SWEEP_DIR is required");
            if (Workers < 1) return ValidationResult.Error($"--workers: {Workers} (expected 1 or more)");
            if (DryRun && !Slurm) return ValidationResult.Error("--dry-run goes with --slurm");
            bool slurmOption = new[] { Partition, Gres, Time, Mem }.Any(o => o is not null) || CpusPerTask is not null || MaxParallel is not null;
            if (slurmOption && !Slurm) return ValidationResult.Error("--partition, --gres, --time, --mem, --cpus-per-task and --max-parallel go with --slurm");
            if (Slurm && Workers != 1) return ValidationResult.Error("--workers is for local runs; with --slurm use --max-parallel");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var slurm = settings.SlurmOptions;
        if (settings.Slurm)
            slurm.Validate(); // before anything is written
        var axes = SweepAxis.ParseAll(settings.Grid);
        var manifest = SweepPlanner.CreateOrOpen(new SweepRequest(settings.Out, settings.Config, settings.Set, axes), SweepConsole.Stages);
        string sweepDir = Path.GetFullPath(settings.Out);
        if (settings.Slurm)
        {
            manifest = SweepSubmission.Submit(sweepDir, slurm, CliSelf.Command(), settings.DryRun);
            AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {manifest.Slurm!.Script} ({manifest.Runs.Count} array tasks)");
            if (manifest.Slurm.JobId is { } job)
                AnsiConsole.MarkupLineInterpolated($"[green]submitted[/] job {job}; follow it with: llm4ehr sweep status {sweepDir}");
            else
                AnsiConsole.MarkupLineInterpolated($"[yellow]dry run[/]: not submitted; submit with: sbatch {manifest.Slurm.Script}");
            return 0;
        }

        return RunHere(sweepDir, settings.Workers, cancellationToken);
    }

    /// <summary>
    /// Runs what is left of a sweep on this machine (in this process, or in <paramref name="workers"/> processes), then
    /// prints the runs; returns the sweep's exit code.
    /// </summary>
    internal static int RunHere(string sweepDir, int workers, CancellationToken cancellationToken)
    {
        SweepSubmission.RequireNotQueued(SweepStore.Read(sweepDir));
        var executor = SweepConsole.Executor(sweepDir);
        executor.Reset();
        using var signals = new CancelSignals(cancellationToken);
        var outcome = workers > 1 ? SweepWorkers.Run(sweepDir, workers, signals.Token) : executor.RunAvailable(signals.Token);
        return Finish(outcome, sweepDir);
    }

    // Prints the runs table and a closing line; returns the sweep's exit code.
    private static int Finish(SweepOutcome outcome, string sweepDir)
    {
        AnsiConsole.Write(SweepConsole.Runs(outcome.Manifest));
        AnsiConsole.WriteLine(SweepConsole.Summary(outcome.Manifest));
        if (outcome.Interrupted)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]interrupted[/]: checkpoint saved; continue with the same command (or llm4ehr sweep run {sweepDir})");
            return 130;
        }
        if (outcome.AnyFailed)
        {
            AnsiConsole.MarkupLine("[red]some runs failed[/]: their errors are listed above and in sweep.json; running the sweep again retries them");
            return 1;
        }
        return 0;
    }
}
