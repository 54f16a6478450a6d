using System.ComponentModel;
using LLM4EHR.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr bench load</c>: p2x unpickling speed against CPython's pickle.load of the same file.</summary>
[CliCommand("load", "Unpickle a ~2000-stay synthetic split into typed records; compare with CPython pickle.load.", Branch = "bench")]
internal sealed class BenchLoadCommand : Command<BenchLoadCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--stays <N>")]
        [Description("Stays in the synthetic split.")]
        [DefaultValue(2000)]
        public int Stays { get; init; } = 2000;

        [CommandOption("--runs <N>")]
        [Description("Timed runs after one warm-up (median reported).")]
        [DefaultValue(5)]
        public int Runs { get; init; } = 5;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Stays < 1 || settings.Runs < 1)
            throw new BadInputException("--stays and --runs must be at least 1");
        var result = LoadBenchmark.Run(settings.Stays, settings.Runs,
            progress: BenchConsole.Progress);
        if (result.Python is null)
            AnsiConsole.MarkupLine($"[yellow]{LoadBenchmark.PythonExe} with NumPy not found: python_ms and ratio omitted[/]");
        Console.WriteLine(result.Summary());
        return 0;
    }
}
