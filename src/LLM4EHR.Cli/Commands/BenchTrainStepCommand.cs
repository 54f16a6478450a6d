using System.ComponentModel;
using LLM4EHR.Benchmarks;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench train-step</c>: one training step of the bench model (src/LLM4EHR.Benchmarks/README.md).</summary>
[CliCommand("train-step", "Time one training step of the bench Llama (tok_s, gflops, mfu vs a matmul at the same dtype, mfu_peak vs the CPU's peak).", Branch = "bench")]
internal sealed class BenchTrainStepCommand : Command<BenchTrainStepCommand.Settings>
{
    /// <summary>The bench model's step, as train-step and profile both run it.</summary>
    public class StepSettings : CommandSettings
    {
        [CommandOption("--threads <N>")]
        [DefaultValue(2)]
        public int Threads { get; init; } = 2;

        [CommandOption("--seq <T>")]
        [DefaultValue(512)]
        public int SequenceLength { get; init; } = 512;

        [CommandOption("--batch <B>")]
        [DefaultValue(2)]
        public int BatchSize { get; init; } = 2;

        [CommandOption("--runs <N>")]
        [DefaultValue(8)]
        public int Runs { get; init; } = 8;

        [CommandOption("--dtype <DTYPE>")]
        [Description("f32|bf16: compute dtype of the frozen base (adapters, head, loss, optimizer stay f32).")]
        [DefaultValue("f32")]
        public string Dtype { get; init; } = "f32";

        [CommandOption("--nf4")]
        [Description("Quantize the base's decoder linears to NF4 (double quant), as QLoRA does.")]
        public bool Nf4 { get; init; }

        public TrainStepOptions ToOptions() => new()
        {
            Threads = Threads, SequenceLength = SequenceLength, BatchSize = BatchSize, Runs = Runs,
            Dtype = BenchDtype.Parse(Dtype), Nf4 = Nf4,
        };
    }

    public sealed class Settings : StepSettings
    {
        [CommandOption("--checkpointing")]
        [Description("Recompute decoder layers in backward (activation checkpointing).")]
        public bool Checkpointing { get; init; }

        [CommandOption("--baseline <DTYPE>")]
        [Description("f32|bf16: also time the step in this dtype, in alternation, and print speedup (its median ÷ ours).")]
        public string? Baseline { get; init; }

        [CommandOption("--anchor <NAME>")]
        [Description("pytorch: also time the same step in PyTorch (/usr/bin/python3 + torch, OpenBLAS native kernels), in alternation, and print pytorch_ratio (our median ÷ its).")]
        public string? Anchor { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        BenchConsole.ReportWaitPolicy();
        var options = s.ToOptions() with
        {
            GradientCheckpointing = s.Checkpointing,
            Baseline = s.Baseline is null ? null : BenchDtype.Parse(s.Baseline),
            PyTorchAnchor = s.Anchor switch
            {
                null => false,
                var a when a.Trim().Equals("pytorch", StringComparison.OrdinalIgnoreCase) => true,
                var a => throw new BadInputException($"--anchor: expected pytorch, got '{a}'"),
            },
        };
        var result = TrainStepBenchmark.Run(options, BenchConsole.Progress);
        Console.WriteLine(result.ToSummary());
        return 0;
    }
}
