using System.ComponentModel;
using LLM4EHR.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench profile</c>: where one training step of the bench model goes (src/LLM4EHR.Benchmarks/README.md).</summary>
[CliCommand("profile", "Split one training step of the bench Llama into attention, linears, norms/RoPE, LoRA, NF4 dequant, head/loss, optimizer; print the top items.", Branch = "bench")]
internal sealed class BenchProfileCommand : Command<BenchProfileCommand.Settings>
{
    public sealed class Settings : CommandSettings
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

        [CommandOption("--top <N>")]
        [Description("How many items to list, largest first.")]
        [DefaultValue(12)]
        public int Top { get; init; } = 12;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        BenchConsole.ReportWaitPolicy();
        var options = new TrainStepOptions
        {
            Threads = s.Threads, SequenceLength = s.SequenceLength, BatchSize = s.BatchSize, Runs = s.Runs,
            Dtype = BenchDtype.Parse(s.Dtype), Nf4 = s.Nf4,
        };
        var result = ProfileBenchmark.Run(options, BenchConsole.Progress);
        var table = new Table().AddColumns("item", "part", "fwd ms × n", "bwd ms × n", "total ms", "share");
        foreach (var item in result.Top.Take(s.Top))
            table.AddRow(Markup.Escape(item.Name), ProfileResult.Key(item.Group),
                $"{item.ForwardMs:F3} × {item.ForwardCount}", item.BackwardCount > 0 ? $"{item.BackwardMs:F3} × {item.BackwardCount}" : "",
                $"{item.TotalMs:F2}", $"{item.TotalMs / result.StepMs:P1}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]step {result.StepMs:F1} ms in place (forward {result.ForwardMs:F1}, backward {result.BackwardMs:F1}, optimizer {result.OptimizerMs:F1}); the parts, timed alone, sum to {result.PartsMs:F1} ms ({result.Coverage:P0})[/]");
        Console.WriteLine(result.ToSummary());
        return 0;
    }
}
