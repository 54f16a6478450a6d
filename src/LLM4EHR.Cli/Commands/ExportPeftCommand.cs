using System.ComponentModel;
using LLM4EHR.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr export-peft</c>: a trained run's adapters in peft's format, plus the pooled head.</summary>
[CliCommand("export-peft", "Export a run's LoRA adapters in peft's format (adapter_config.json + adapter_model.safetensors) and its head.")]
internal sealed class ExportPeftCommand : Command<ExportPeftCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--run <RUN_DIR>")]
        [Description("A run folder written by `llm4ehr train` (LoRA enabled).")]
        public string Run { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("Where to write the peft adapter folder.")]
        public string Out { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Run) || string.IsNullOrWhiteSpace(Out)
                ? ValidationResult.Error("--run RUN_DIR and --out DIR are required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var modules = RunAdapterExport.Export(settings.Run, settings.Out);
        AnsiConsole.MarkupLineInterpolated($"wrote {settings.Out}: {modules.Count} adapted modules (peft LORA) + {RunAdapterExport.HeadFile}");
        return 0;
    }
}
