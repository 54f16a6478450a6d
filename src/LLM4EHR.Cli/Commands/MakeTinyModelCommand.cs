using LLM4EHR.Text;
using System.ComponentModel;
using LLM4EHR.Models.Llama;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr make-tiny-model</c>: writes a random Llama in HF format for demos and tests, or at a real shape.</summary>
[CliCommand("make-tiny-model", "Write a random Llama (config.json + safetensors) in Hugging Face format: tiny, or at a real shape with --preset.")]
internal sealed class MakeTinyModelCommand : Command<MakeTinyModelCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder to write the model into (created if needed).")]
        public string? Out { get; init; }

        [CommandOption("--preset <NAME>")]
        [Description("A real shape instead of a tiny one: llama3-8b (Meta-Llama-3-8B, bf16, ~16 GB in 5 GB shards) or llama3.1-8b.")]
        public string? Preset { get; init; }

        [CommandOption("--hidden <N>")]
        [Description("Hidden size (default 64).")]
        public int? Hidden { get; init; }

        [CommandOption("--layers <N>")]
        [Description("Decoder layers (default 2).")]
        public int? Layers { get; init; }

        [CommandOption("--heads <N>")]
        [Description("Attention heads (default 4).")]
        public int? Heads { get; init; }

        [CommandOption("--kv-heads <N>")]
        [Description("Key/value heads (default 2).")]
        public int? KvHeads { get; init; }

        [CommandOption("--intermediate <N>")]
        [Description("MLP width (default 11/4 of hidden, rounded up to a multiple of 16).")]
        public int? Intermediate { get; init; }

        [CommandOption("--vocab <VOCAB>")]
        [Description("cl100k (100512 = cl100k_base + 256 specials, the default) or a number.")]
        public string? Vocab { get; init; }

        [CommandOption("--seed <S>")]
        [DefaultValue(0L)]
        public long Seed { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out))
                return ValidationResult.Error("--out is required");
            bool shaped = Hidden is not null || Layers is not null || Heads is not null || KvHeads is not null || Intermediate is not null || Vocab is not null;
            return Preset is not null && shaped
                ? ValidationResult.Error("--preset fixes the shape: leave out --hidden/--layers/--heads/--kv-heads/--intermediate/--vocab")
                : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var config = s.Preset is not null ? LlamaPresets.Get(s.Preset) : TinyShape(s);
        // The embedded tokenizer (cl100k ranks + Llama-3 specials) fits only a vocabulary at least its size;
        // a smaller custom vocab gets no tokenizer.model (such a folder is for shape/speed tests, not text).
        bool withTokenizer = config.VocabSize >= Llama3Tokenizer.Embedded.VocabSize;
        TinyLlamaWriter.Write(s.Out!, config, s.Seed, withTokenizer ? dir => Llama3Tokenizer.WriteEmbeddedTokenizerFiles(dir) : null,
            ModelWriteConsole.Progress());
        AnsiConsole.MarkupLineInterpolated(
            $"wrote {s.Out}: hidden {config.HiddenSize}, {config.NumHiddenLayers} layers, {config.NumAttentionHeads}/{config.NumKeyValueHeads} heads, intermediate {config.IntermediateSize}, vocab {config.VocabSize}, {config.TorchDtype}{(withTokenizer ? ", tokenizer.model" : ", no tokenizer")}");
        return 0;
    }

    private static LlamaConfig TinyShape(Settings s)
    {
        var defaults = new TinyLlamaOptions();
        return new TinyLlamaOptions
        {
            Hidden = s.Hidden ?? defaults.Hidden, Layers = s.Layers ?? defaults.Layers, Heads = s.Heads ?? defaults.Heads,
            KvHeads = s.KvHeads ?? defaults.KvHeads, Intermediate = s.Intermediate,
            VocabSize = s.Vocab is null ? defaults.VocabSize : TinyLlamaOptions.ParseVocab(s.Vocab),
        }.ToConfig();
    }
}
