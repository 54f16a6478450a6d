using System.ComponentModel;
using LLM4EHR.Benchmarks;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench demo</c>: the demo training run, timed (src/LLM4EHR.Benchmarks/README.md).</summary>
[CliCommand("demo", "Time the demo training run end to end (tok_s, wall_s, test_auroc, ratio to an f32 matmul).", Branch = "bench")]
internal sealed class BenchDemoCommand : Command<BenchDemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--config <FILE>")]
        [Description("Experiment YAML to run (its run_dir is ignored: the run goes to a temp folder).")]
        [DefaultValue("config/demo-ihm.yaml")]
        public string Config { get; init; } = "config/demo-ihm.yaml";

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override a config key, as in `llm4ehr train` (repeatable).")]
        public string[] Set { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        BenchConsole.ReportWaitPolicy();
        var options = new DemoBenchOptions { ConfigPath = s.Config, Overrides = s.Set };
        var result = DemoBenchmark.Run(options, BenchConsole.Progress, cancellationToken);
        Console.WriteLine(result.ToSummary());
        return 0;
    }
}
