using System.ComponentModel;
using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Llama;
using LLM4EHR.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr bench scale</c>: a model folder at a real shape loaded NF4 + double quant + LoRA, one training step and
/// one eval forward, with load and step memory from /proc. It never writes a model unasked: <c>--model DIR</c> uses a
/// folder (or, with <c>--preset</c>, writes that shape there once and keeps it); <c>--preset</c> alone writes to a
/// temporary folder and deletes it afterwards.
/// </summary>
[CliCommand("scale", "Load a real-shape model (NF4 + double quant + LoRA), time one QLoRA step and one eval forward, measure RSS.", Branch = "bench")]
internal sealed class BenchScaleCommand : Command<BenchScaleCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("HF model folder to load (e.g. one written by make-tiny-model --preset llama3-8b).")]
        public string? Model { get; init; }

        [CommandOption("--preset <NAME>")]
        [Description("Write a random model of this shape first (llama3-8b: ~16 GB): into --model DIR if given and empty (kept), else into a temporary folder (deleted).")]
        public string? Preset { get; init; }

        [CommandOption("--seq <T>")]
        [Description("Tokens in the one training sequence.")]
        [DefaultValue(256)]
        public int SequenceLength { get; init; } = 256;

        public override ValidationResult Validate() =>
            Model is null && Preset is null ? ValidationResult.Error("--model DIR is required (or --preset llama3-8b to write a ~16 GB random model to a temporary folder first)")
            : SequenceLength < 1 ? ValidationResult.Error("--seq must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        BenchConsole.ReportWaitPolicy();
        string folder = s.Model ?? Directory.CreateTempSubdirectory("llm4ehr-scale-").FullName;
        bool temporary = s.Model is null;
        try
        {
            if (s.Preset is not null)
                EnsurePreset(folder, s.Preset);
            var result = ScaleBenchmark.Run(new ScaleBenchOptions { ModelFolder = folder, SequenceLength = s.SequenceLength }, BenchConsole.Progress);
            Console.WriteLine(result.ToSummary());
            return 0;
        }
        finally
        {
            if (temporary)
            {
                Directory.Delete(folder, recursive: true);
                AnsiConsole.MarkupLineInterpolated($"[grey]deleted {folder}[/]");
            }
        }
    }

    // Writes the preset unless the folder already holds a model, which must then be that preset's shape.
    private static void EnsurePreset(string folder, string preset)
    {
        var config = LlamaPresets.Get(preset);
        if (File.Exists(Path.Combine(folder, LlamaConfig.FileName)))
        {
            if (LlamaConfig.Load(folder) != config)
                throw new BadInputException($"{folder}: holds a model whose config.json is not the {preset} shape (use another folder)");
            AnsiConsole.MarkupLineInterpolated($"[grey]reusing {folder} ({preset})[/]");
            return;
        }
        TinyLlamaWriter.Write(folder, config, seed: 0, dir => Llama3Tokenizer.WriteEmbeddedTokenizerFiles(dir), ModelWriteConsole.Progress());
    }
}
