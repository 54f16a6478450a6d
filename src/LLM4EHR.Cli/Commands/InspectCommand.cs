using System.ComponentModel;
using System.Globalization;
using LLM4EHR.Data;
using LLM4EHR.Data.Audit;
using LLM4EHR.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr inspect</c>: validates all three splits of a data root and prints what is in them.</summary>
[CliCommand("inspect", "Validate the p2x splits under a data root and print counts, label prevalence and note statistics.")]
internal sealed class InspectCommand : Command<InspectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data-root <DIR>")]
        [Description("Folder holding {train,val,test}_p2x_data.pkl.")]
        public string? DataRoot { get; init; }

        [CommandOption("--task <TASK>")]
        [Description("ihm|pheno")]
        public string? Task { get; init; }

        [CommandOption("--audit")]
        [Description("Also run the leakage/quality audit: notes after the horizon, subjects in several splits, duplicate names, labels with few positives, stays without notes, token lengths.")]
        public bool Audit { get; init; }

        [CommandOption("--strict")]
        [Description("With --audit: any audit warning is an error (exit 2).")]
        public bool Strict { get; init; }

        [CommandOption("--max-tokens <N>")]
        [Description("With --audit: the sequence cap to measure truncation against (default: the task's, 8000 IHM / 6000 Pheno).")]
        public int? MaxTokens { get; init; }

        [CommandOption("--model <DIR>")]
        [Description("With --audit: count tokens with this model folder's tokenizer, Llama-3's ranks or an encoder's vocabulary (default: the embedded cl100k-based one, an approximation of Llama-3's).")]
        public string? Model { get; init; }

        [CommandOption("--subject-pattern <REGEX>")]
        [Description("With --audit: regex whose first group is the subject id in a stay name.")]
        [DefaultValue(DataAudit.DefaultSubjectPattern)]
        public string SubjectPattern { get; init; } = DataAudit.DefaultSubjectPattern;

        public override ValidationResult Validate() =>
            (Strict || MaxTokens is not null || Model is not null) && !Audit
                ? ValidationResult.Error("--strict, --max-tokens and --model go with --audit")
                : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var task = ClinicalTaskInfo.Parse(settings.Task ?? throw new BadInputException("--task is required (ihm or pheno)"));
        string root = settings.DataRoot ?? throw new BadInputException("--data-root is required");
        var splits = P2xDataset.LoadAll(root, task);
        var summaries = Enum.GetValues<P2xSplit>()
            .Select(s => P2xSplitSummary.Of(P2xSchema.SplitName(s), task, splits[s])).ToList();

        var table = new Table().Title($"{task.Id()} p2x splits in {Markup.Escape(root)}")
            .Caption("notes, chars, irg rows: mean per stay; no notes: stays without notes; missing: unobserved reg_ts cells");
        foreach (var header in new[] { "split", "stays", task == ClinicalTask.Ihm ? "pos" : "prev (range)",
                     "notes", "chars", "max chars", "no notes", "irg rows", "missing" })
            table.AddColumn(header);
        foreach (var s in summaries)
            table.AddRow(s.Split, s.Stays.ToString(CultureInfo.InvariantCulture), Prevalence(s),
                F(s.NotesPerStay, 2), F(s.CharsPerStay, 0), s.MaxCharsPerStay.ToString(CultureInfo.InvariantCulture),
                s.StaysWithoutNotes.ToString(CultureInfo.InvariantCulture), F(s.IrregularRowsPerStay, 1), Pct(s.MissingRate));
        AnsiConsole.Write(table);

        if (task == ClinicalTask.Pheno)
        {
            var labels = new Table().Title("phenotype prevalence");
            labels.AddColumn("#").AddColumn("phenotype");
            foreach (var s in summaries)
                labels.AddColumn(s.Split);
            for (int k = 0; k < PhenotypeNames.All.Count; k++)
                labels.AddRow([k.ToString(CultureInfo.InvariantCulture), Markup.Escape(PhenotypeNames.All[k]),
                    .. summaries.Select(s => Pct(s.LabelPrevalence[k]))]);
            AnsiConsole.Write(labels);
        }
        AnsiConsole.MarkupLine("[green]all splits valid[/]");
        if (!settings.Audit)
            return 0;

        var tokenizer = settings.Model is null ? Llama3Tokenizer.Embedded : TextTokenizers.FromModelFolder(settings.Model);
        var audit = DataAudit.Run(task, splits, tokenizer, settings.MaxTokens ?? NoteSelectionSettings.DefaultMaxTokens(task), settings.SubjectPattern);
        AuditTables.Write(audit);
        if (settings.Strict && audit.Warnings.Count > 0)
            throw new BadInputException($"{root}: data audit (--strict) found {audit.Warnings.Count} warning(s): " +
                                        string.Join("; ", audit.Warnings.Select(w => $"{w.Split}: {w.Message}")));
        return 0;
    }

    private static string Prevalence(P2xSplitSummary s) => s.LabelPrevalence.Count == 1
        ? Pct(s.LabelPrevalence[0])
        : $"{Pct(s.LabelPrevalence.Average())} ({F(100 * s.LabelPrevalence.Min(), 1)}–{F(100 * s.LabelPrevalence.Max(), 1)})";

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Pct(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
