using System.ComponentModel;
using LLM4EHR.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr env</c>: shows the tensor backend, so a user can see at once whether libtorch loads.</summary>
[CliCommand("env", "Show the tensor backend: TorchSharp/libtorch versions, threads, CUDA availability.")]
internal sealed class EnvCommand : Command<EnvCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--device <DEVICE>")]
        [Description("auto|cpu|cuda: the device a run would pick.")]
        [DefaultValue("auto")]
        public string Device { get; init; } = "auto";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var info = TorchEnvironment.Describe(settings.Device);
        foreach (var (key, value) in info)
            AnsiConsole.MarkupLineInterpolated($"[grey]{key,-16}[/] {value}");
        return 0;
    }
}
