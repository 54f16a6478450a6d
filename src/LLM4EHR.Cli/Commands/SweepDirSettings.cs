using System.ComponentModel;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>The argument every <c>sweep</c> subcommand takes: the sweep folder.</summary>
internal class SweepDirSettings : CommandSettings
{
    [CommandArgument(0, "<SWEEP_DIR>")]
    [Description("The sweep folder (holds sweep.json).")]
    public string SweepDir { get; init; } = "";
}
