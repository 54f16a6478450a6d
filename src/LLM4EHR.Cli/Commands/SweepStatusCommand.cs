using LLM4EHR.Sweeps;
using LLM4EHR.Sweeps.Slurm;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr sweep status SWEEP_DIR</c>: the manifest's runs, and for a Slurm sweep what squeue and sacct say.</summary>
[CliCommand("status", "Show a sweep's runs (and its Slurm job's tasks from squeue/sacct when submitted).", Branch = "sweep")]
internal sealed class SweepStatusCommand : Command<SweepDirSettings>
{
    public override int Execute(CommandContext context, SweepDirSettings settings, CancellationToken cancellationToken)
    {
        var manifest = SweepStore.Read(settings.SweepDir);
        AnsiConsole.MarkupLineInterpolated($"[grey]config[/]  {manifest.BaseConfig} {string.Join(' ', manifest.BaseOverrides.Select(o => "--set " + o))}");
        AnsiConsole.MarkupLineInterpolated($"[grey]grid[/]    {string.Join(' ', manifest.Grid.Select(a => $"--grid {a.Key}={string.Join(',', a.Values)}"))}");
        AnsiConsole.Write(SweepConsole.Runs(manifest));
        AnsiConsole.WriteLine(SweepConsole.Summary(manifest));
        if (manifest.Slurm is not { } slurm)
            return 0;
        if (slurm.JobId is not { } job)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]slurm[/]   script {slurm.Script} written, not submitted (dry run)");
            return 0;
        }
        AnsiConsole.MarkupLineInterpolated($"[grey]slurm[/]   job {job} ({slurm.Script})");
        Show("squeue", SlurmCommands.Queue(job));
        Show("sacct", SlurmCommands.Accounting(job));
        return 0;
    }

    private static void Show(string tool, (IReadOnlyList<SlurmTaskState>? Tasks, string? Problem) answer)
    {
        if (answer.Tasks is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{tool}[/]: {answer.Problem}");
            return;
        }
        if (answer.Tasks.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]{tool}[/]: no tasks listed");
            return;
        }
        var table = new Table().Title(tool).AddColumn("task").AddColumn("state").AddColumn(tool == "squeue" ? "reason" : "exit code");
        foreach (var t in answer.Tasks)
            table.AddRow(Markup.Escape(t.Task), Markup.Escape(t.State), Markup.Escape(t.Detail));
        AnsiConsole.Write(table);
    }
}
