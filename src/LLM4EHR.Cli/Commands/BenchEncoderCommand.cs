using System.ComponentModel;
using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Encoders;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench encoder</c>: a long-sequence training step of a small clinical encoder (src/LLM4EHR.Benchmarks/README.md).</summary>
[CliCommand("encoder", "Time a forward+backward step of a small Longformer/BigBird/BERT at 4096 tokens (tok_s, peak RSS, attention memory vs full T×T).", Branch = "bench")]
internal sealed class BenchEncoderCommand : Command<BenchEncoderCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <FAMILY>")]
        [Description("longformer|bigbird|bert")]
        [DefaultValue("longformer")]
        public string Model { get; init; } = "longformer";

        [CommandOption("--seq <T>")]
        [DefaultValue(4096)]
        public int SequenceLength { get; init; } = 4096;

        [CommandOption("--threads <N>")]
        [DefaultValue(2)]
        public int Threads { get; init; } = 2;

        [CommandOption("--runs <N>")]
        [DefaultValue(3)]
        public int Runs { get; init; } = 3;

        [CommandOption("--checkpointing")]
        [Description("Recompute encoder layers in backward (activation checkpointing).")]
        public bool Checkpointing { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var family = s.Model.Trim().ToLowerInvariant() switch
        {
            "longformer" => EncoderFamily.Longformer,
            "bigbird" or "big_bird" => EncoderFamily.BigBird,
            "bert" => EncoderFamily.Bert,
            _ => throw new BadInputException($"--model: expected longformer, bigbird or bert, got '{s.Model}'"),
        };
        if (s.SequenceLength < 2 || s.Runs < 1 || s.Threads < 1)
            throw new BadInputException("--seq must be at least 2, --runs and --threads at least 1");
        BenchConsole.ReportWaitPolicy();
        var result = EncoderBenchmark.Run(new EncoderBenchOptions
        {
            Family = family, SequenceLength = s.SequenceLength, Threads = s.Threads, Runs = s.Runs, GradientCheckpointing = s.Checkpointing,
        }, BenchConsole.Progress);
        Console.WriteLine(result.ToSummary());
        return 0;
    }
}
