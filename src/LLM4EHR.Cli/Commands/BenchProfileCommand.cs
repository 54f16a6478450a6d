using System.ComponentModel;
using LLM4EHR.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench profile</c>: where one training step of the bench model goes (src/LLM4EHR.Benchmarks/README.md).</summary>
[CliCommand("profile", "Split one training step of the bench Llama into attention, linears, norms/RoPE, LoRA, NF4 dequant, head/loss, optimizer; print the top items.", Branch = "bench")]
internal sealed class BenchProfileCommand : Command<BenchProfileCommand.Settings>
{
    public sealed class Settings : BenchTrainStepCommand.StepSettings
    {
        [CommandOption("--top <N>")]
        [Description("How many items to list, largest first.")]
        [DefaultValue(12)]
        public int Top { get; init; } = 12;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        BenchConsole.ReportWaitPolicy();
        var result = ProfileBenchmark.Run(s.ToOptions(), BenchConsole.Progress);
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
