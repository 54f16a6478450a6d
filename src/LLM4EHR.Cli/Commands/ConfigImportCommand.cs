using System.ComponentModel;
using LLM4EHR.Config;
using LLM4EHR.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr config import</c>: a Python seed config written out as the equivalent native YAML.</summary>
[CliCommand("import", "Write the native YAML equivalent of a Python seed config (train_pkl, num_epochs, lora_alpha, …).", Branch = "config")]
internal sealed class ConfigImportCommand : Command<ConfigImportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The seed config (e.g. config/ihm_llama3_8b.yaml of the Python seed).")]
        public string File { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("Where to write the native YAML (default: print it).")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = ExperimentConfigLoader.Load(settings.File);
        string header = $"# Imported from the seed config {Path.GetFileName(settings.File)} by llm4ehr config import.\n" +
                        string.Concat(config.ImportNotes.Select(n => $"# note: {n}\n"));
        string yaml = header + ExperimentConfigLoader.ToYaml(config);
        if (settings.Out is null)
            Console.Write(yaml);
        else
        {
            AtomicFile.WriteAllText(settings.Out, yaml);
            AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {settings.Out}");
        }
        foreach (var note in config.ImportNotes)
            AnsiConsole.MarkupLineInterpolated($"[yellow]note[/]: {note}");
        return 0;
    }
}
