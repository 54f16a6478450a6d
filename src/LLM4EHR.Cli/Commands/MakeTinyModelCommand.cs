using LLM4EHR.Text;
using System.ComponentModel;
using LLM4EHR.Models.Llama;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr make-tiny-model</c>: writes a random Llama in HF format for demos and tests.</summary>
[CliCommand("make-tiny-model", "Write a tiny random Llama (config.json + model.safetensors) in Hugging Face format.")]
internal sealed class MakeTinyModelCommand : Command<MakeTinyModelCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder to write the model into (created if needed).")]
        public string? Out { get; init; }

        [CommandOption("--hidden <N>")]
        [DefaultValue(64)]
        public int Hidden { get; init; } = 64;

        [CommandOption("--layers <N>")]
        [DefaultValue(2)]
        public int Layers { get; init; } = 2;

        [CommandOption("--heads <N>")]
        [DefaultValue(4)]
        public int Heads { get; init; } = 4;

        [CommandOption("--kv-heads <N>")]
        [DefaultValue(2)]
        public int KvHeads { get; init; } = 2;

        [CommandOption("--intermediate <N>")]
        [Description("MLP width (default 11/4 of hidden, rounded up to a multiple of 16).")]
        public int? Intermediate { get; init; }

        [CommandOption("--vocab <VOCAB>")]
        [Description("cl100k (100512 = cl100k_base + 256 specials) or a number.")]
        [DefaultValue("cl100k")]
        public string Vocab { get; init; } = "cl100k";

        [CommandOption("--seed <S>")]
        [DefaultValue(0L)]
        public long Seed { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var options = new TinyLlamaOptions
        {
            Hidden = s.Hidden, Layers = s.Layers, Heads = s.Heads, KvHeads = s.KvHeads,
            Intermediate = s.Intermediate, VocabSize = TinyLlamaOptions.ParseVocab(s.Vocab), Seed = s.Seed,
        };
        // The embedded tokenizer (cl100k ranks + Llama-3 specials) fits only a vocabulary at least its size;
        // a smaller custom vocab gets no tokenizer.model (such a folder is for shape/speed tests, not text).
        bool withTokenizer = options.VocabSize >= Llama3Tokenizer.Embedded.VocabSize;
        var config = TinyLlamaWriter.Write(s.Out!, options, withTokenizer ? dir => Llama3Tokenizer.WriteEmbeddedTokenizerFiles(dir) : null);
        AnsiConsole.MarkupLineInterpolated(
            $"wrote {s.Out}: hidden {config.HiddenSize}, {config.NumHiddenLayers} layers, {config.NumAttentionHeads}/{config.NumKeyValueHeads} heads, intermediate {config.IntermediateSize}, vocab {config.VocabSize}{(withTokenizer ? ", tokenizer.model" : ", no tokenizer")}");
        return 0;
    }
}
