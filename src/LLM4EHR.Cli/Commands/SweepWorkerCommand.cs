using System.ComponentModel;
using LLM4EHR.Sweeps;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr sweep worker SWEEP_DIR</c>: one of the processes <c>sweep --workers N</c> starts. Claims pending and
/// interrupted runs under the manifest's lock until none is left. Exit codes: 0, 130 interrupted.
/// </summary>
[CliCommand("worker", "A sweep worker process (started by sweep --workers N).", Branch = "sweep", Hidden = true)]
internal sealed class SweepWorkerCommand : Command<SweepDirSettings>
{
    public override int Execute(CommandContext context, SweepDirSettings settings, CancellationToken cancellationToken)
    {
        var executor = SweepConsole.Executor(settings.SweepDir);
        using var signals = new CancelSignals(cancellationToken);
        return executor.RunAvailable(signals.Token).Interrupted ? 130 : 0;
    }
}

/// <summary>The argument every <c>sweep</c> subcommand takes: the sweep folder.</summary>
internal class SweepDirSettings : CommandSettings
{
    [CommandArgument(0, "<SWEEP_DIR>")]
    [Description("The sweep folder (holds sweep.json).")]
    public string SweepDir { get; init; } = "";
}
