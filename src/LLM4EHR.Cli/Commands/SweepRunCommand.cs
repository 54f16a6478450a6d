using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr sweep run SWEEP_DIR</c>: continues a sweep here with the arguments it was created with.</summary>
[CliCommand("run", "Continue a sweep locally: skip done runs, resume interrupted ones, retry failed ones.", Branch = "sweep")]
internal sealed class SweepRunCommand : Command<SweepRunCommand.Settings>
{
    public sealed class Settings : SweepDirSettings
    {
        [CommandOption("--workers <N>")]
        [Description("Run N runs at a time, each in its own llm4ehr process.")]
        [DefaultValue(1)]
        public int Workers { get; init; } = 1;

        public override ValidationResult Validate() =>
            Workers < 1 ? ValidationResult.Error($"--workers: {Workers} (expected 1 or more)") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        SweepCommand.RunHere(Path.GetFullPath(settings.SweepDir), settings.Workers, cancellationToken);
}
