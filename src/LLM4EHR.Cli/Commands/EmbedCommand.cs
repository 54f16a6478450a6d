using System.ComponentModel;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr embed</c>: writes the pooled note representation of every stay once (the frozen-embedding cache).</summary>
[CliCommand("embed", "Write the frozen Llama's pooled note representation of every stay to a safetensors cache (embeddings.cache).")]
internal sealed class EmbedCommand : Command<EmbedCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--config <FILE>")]
        [Description("Experiment YAML whose data, model and text settings say what to embed.")]
        public string Config { get; init; } = "";

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override a config key (repeatable).")]
        public string[] Set { get; init; } = [];

        [CommandOption("--out <FILE>")]
        [Description("Cache file to write (default: the config's embeddings.cache).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Config) ? ValidationResult.Error("--config FILE is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = ExperimentConfigLoader.Load(settings.Config, settings.Set);
        string outPath = settings.Out ?? config.Embeddings.Cache
            ?? throw new BadInputException($"{settings.Config}: embeddings.cache: not set; give --out FILE or set embeddings.cache");
        var (stays, hidden) = NoteEmbedder.Write(config, outPath, new TrainingConsole().Stages, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {outPath} ({stays} stays x {hidden} floats)");
        return 0;
    }
}
