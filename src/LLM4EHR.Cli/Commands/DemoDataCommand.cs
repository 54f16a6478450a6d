using System.ComponentModel;
using LLM4EHR.Data;
using LLM4EHR.Data.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr demo-data</c>: writes a synthetic p2x cohort (three split pickles) for demos and tests.</summary>
[CliCommand("demo-data", "Write a synthetic p2x cohort ({train,val,test}_p2x_data.pkl) for a task.")]
internal sealed class DemoDataCommand : Command<DemoDataCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--task <TASK>")]
        [Description("ihm|pheno")]
        public string? Task { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder to write the three split files into (created if missing).")]
        public string? Out { get; init; }

        [CommandOption("--stays <N>")]
        [Description("Total stays over the three splits (2/3 train, 1/6 val, 1/6 test).")]
        [DefaultValue(900)]
        public int Stays { get; init; } = 900;

        [CommandOption("--seed <S>")]
        [Description("Random seed; the same seed writes the same files.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var task = ClinicalTaskInfo.Parse(settings.Task ?? throw new BadInputException("--task is required (ihm or pheno)"));
        string outDir = settings.Out ?? throw new BadInputException("--out is required");
        var options = SyntheticCohortOptions.FromTotal(task, settings.Stays, settings.Seed);
        foreach (var path in SyntheticCohort.WriteSplits(outDir, options))
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{path}[/] ({new FileInfo(path).Length / 1e6:F1} MB)");
        AnsiConsole.MarkupLineInterpolated(
            $"{task.Id()}: {options.TrainStays} train / {options.ValStays} val / {options.TestStays} test stays, seed {options.Seed}");
        return 0;
    }
}
