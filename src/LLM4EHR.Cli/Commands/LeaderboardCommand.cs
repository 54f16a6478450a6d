using System.ComponentModel;
using LLM4EHR.Leaderboard;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr leaderboard DIR…</c>: groups finished runs (run, sweep or parent folders) into model variants per task and
/// prints the leaderboard Markdown; <c>--out PREFIX</c> also writes PREFIX.md, PREFIX.csv and PREFIX.json.
/// </summary>
[CliCommand("leaderboard", "Compare runs: mean ± sd over seeds, 95% CIs, DeLong and paired-bootstrap tests vs a reference; Markdown/CSV/JSON.")]
internal sealed class LeaderboardCommand : Command<LeaderboardCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("Run folders, sweep folders (sweep.json) or folders of runs (e.g. runs/).")]
        public string[] Dirs { get; init; } = [];

        [CommandOption("--group-by <KEY>")]
        [Description("Config key that defines a model variant (repeatable). Default: the whole config minus seed and output keys.")]
        public string[] GroupBy { get; init; } = [];

        [CommandOption("--reference <NAME>")]
        [Description("The variant the others are compared with (default: each task's first).")]
        public string? Reference { get; init; }

        [CommandOption("--bootstrap <N>")]
        [Description("Bootstrap resamples for the CIs and the paired AUPRC test.")]
        [DefaultValue(1000)]
        public int Bootstrap { get; init; } = 1000;

        [CommandOption("--out <PREFIX>")]
        [Description("Also write PREFIX.md, PREFIX.csv and PREFIX.json.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Dirs.Length == 0 ? ValidationResult.Error("give at least one run or sweep folder")
            : Bootstrap < 1 ? ValidationResult.Error($"--bootstrap: {Bootstrap} (expected 1 or more)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var board = ModelLeaderboard.Build(settings.Dirs, new LeaderboardOptions
        {
            GroupBy = settings.GroupBy,
            Reference = settings.Reference,
            BootstrapResamples = settings.Bootstrap,
        }, cancellationToken);
        // Markdown as plain text: it is meant to be copied into a paper or README as it is.
        Console.Out.Write(board.ToMarkdown());
        if (settings.Out is { } prefix)
            foreach (var file in board.WriteFiles(prefix))
                AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {file}");
        return 0;
    }
}
