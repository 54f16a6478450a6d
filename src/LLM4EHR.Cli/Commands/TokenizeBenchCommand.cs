using System.ComponentModel;
using LLM4EHR.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench tokenize</c>: tokens/s of note selection + tokenization, and the cached-split speedup.</summary>
[CliCommand("tokenize", "Tokenize the notes of a synthetic split (tokens/s) and reload it from the token cache.", Branch = "bench")]
internal sealed class TokenizeBenchCommand : Command<TokenizeBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--stays <N>")]
        [Description("Synthetic IHM stays to tokenize.")]
        [DefaultValue(4000)]
        public int Stays { get; init; } = 4000;

        [CommandOption("--threads <N>")]
        [Description("Worker threads (0 = all cores).")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--runs <N>")]
        [Description("Timed runs (median reported) after one warm-up.")]
        [DefaultValue(3)]
        public int Runs { get; init; } = 3;

        [CommandOption("--seed <N>")]
        [Description("Seed of the synthetic notes.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        public override ValidationResult Validate() =>
            Stays < 1 ? ValidationResult.Error("--stays must be at least 1")
            : Runs < 1 ? ValidationResult.Error("--runs must be at least 1")
            : Threads < 0 ? ValidationResult.Error("--threads must be 0 (all cores) or more")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var result = TokenizeBenchmark.Run(new TokenizeBenchOptions(settings.Stays, settings.Threads, settings.Runs, settings.Seed), BenchConsole.Progress);
        var s = result.Summary;
        AnsiConsole.MarkupLineInterpolated($"[grey]tokenizer load {result.TokenizerLoadMs:F0} ms; {s}[/]");
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]tokenize median {result.Tokenize.MedianMs:F1} ms (min {result.Tokenize.MinMs:F1}, max {result.Tokenize.MaxMs:F1}); cached median {result.Cached.MedianMs:F1} ms (min {result.Cached.MinMs:F1}, max {result.Cached.MaxMs:F1})[/]");
        Console.WriteLine(result.ToSummary().ToString());
        return 0;
    }
}
