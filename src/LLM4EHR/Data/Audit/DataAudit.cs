using System.Text.RegularExpressions;
using LLM4EHR.Text;

namespace LLM4EHR.Data.Audit;

/// <summary>
/// Leakage and quality checks over the three tokenized splits of a cohort: notes timed after the task horizon,
/// subjects in more than one split (subject id parsed from the stay name), duplicate stay names, label prevalence
/// per split (flagging labels with fewer than <see cref="MinPositives"/> positives in val or test), stays without
/// notes, and token lengths against <c>text.max_tokens</c>. Reads only; reports counts, never note text.
/// </summary>
public static class DataAudit
{
    /// <summary>mimic3-benchmarks names stays <c>{subject}_episode{n}_timeseries.csv</c>.</summary>
    public const string DefaultSubjectPattern = @"^(\d+)_";
    public const int MinPositives = 10;

    /// <summary>Audits loaded splits: notes selected and tokenized with the task's default settings and <paramref name="maxTokens"/>.</summary>
    public static AuditReport Run(ClinicalTask task, P2xSplits splits, ITextTokenizer tokenizer, int maxTokens,
        string subjectPattern = DefaultSubjectPattern)
    {
        var settings = new NoteSelectionSettings { MaxTokens = maxTokens };
        var tokenized = Enum.GetValues<P2xSplit>().ToDictionary(P2xSchema.SplitName,
            s => SplitTokenizer.Tokenize(splits[s], tokenizer, settings));
        return Run(task, tokenized, maxTokens, subjectPattern);
    }

    public static AuditReport Run(ClinicalTask task, IReadOnlyDictionary<string, TokenizedSplit> splits, int maxTokens,
        string subjectPattern = DefaultSubjectPattern)
    {
        var subject = new Regex(subjectPattern, RegexOptions.CultureInvariant);
        var findings = new List<AuditFinding>();
        var prevalence = new List<LabelPrevalence>();
        var lengths = new List<TokenLengths>();
        var names = PhenotypeNames.For(task);
        var subjects = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);   // subject → splits
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);                 // stay name → first split
        int unparsed = 0;

        foreach (var (split, tokenized) in splits)
        {
            var stays = tokenized.Stays;
            var summary = tokenized.Summary;
            if (summary.NotesOutsideHorizon > 0)
                findings.Add(new(AuditSeverity.Warning, "notes_after_horizon", split, summary.NotesOutsideHorizon,
                    $"{summary.NotesOutsideHorizon} notes timed after the {task.HorizonHours()} h horizon (or without a time); note selection drops them"));
            if (summary.StaysWithoutNotes > 0)
                findings.Add(new(AuditSeverity.Info, "stays_without_notes", split, summary.StaysWithoutNotes,
                    $"{summary.StaysWithoutNotes} of {summary.Stays} stays have no note inside the horizon ({Pct(summary.StaysWithoutNotes, summary.Stays)})"));
            int duplicates = 0;
            foreach (var stay in stays)
            {
                if (!seen.TryAdd(stay.Name, split))
                    duplicates++;
                var m = subject.Match(stay.Name);
                if (!m.Success) { unparsed++; continue; }
                string id = m.Groups.Count > 1 ? m.Groups[1].Value : m.Value;
                (subjects.TryGetValue(id, out var set) ? set : subjects[id] = new HashSet<string>(StringComparer.Ordinal)).Add(split);
            }
            if (duplicates > 0)
                findings.Add(new(AuditSeverity.Warning, "duplicate_stay_names", split, duplicates,
                    $"{duplicates} stay names already seen in this or an earlier split"));

            for (int k = 0; k < task.LabelCount(); k++)
            {
                int positives = stays.Count(s => s.Labels[k] > 0.5f);
                prevalence.Add(new(split, k, names[k], positives, stays.Count));
                if (split != "train" && positives < MinPositives)
                    findings.Add(new(AuditSeverity.Warning, "few_positives", split, positives,
                        $"label {k} ({names[k]}): {positives} positives of {stays.Count} (< {MinPositives}: its AUROC/AUPRC are unreliable)"));
            }
            lengths.Add(TokenLengths.Of(split, stays.Select(s => s.TokenIds.Length).ToArray(), summary.TruncatedStays, maxTokens));
            if (summary.TruncatedStays > 0)
                findings.Add(new(AuditSeverity.Info, "truncated", split, summary.TruncatedStays,
                    $"{summary.TruncatedStays} of {stays.Count} stays cut at max_tokens {maxTokens} ({Pct(summary.TruncatedStays, stays.Count)})"));
        }
        int shared = subjects.Count(s => s.Value.Count > 1);
        if (shared > 0)
            findings.Add(new(AuditSeverity.Warning, "subject_in_several_splits", "all", shared,
                $"{shared} subjects have stays in more than one split (subject id by pattern {subjectPattern}): patient-level leakage"));
        if (unparsed > 0)
            findings.Add(new(AuditSeverity.Info, "subject_not_parsed", "all", unparsed,
                $"{unparsed} stay names do not match the subject pattern {subjectPattern}; they were left out of the subject check"));
        return new AuditReport(task, findings, prevalence, lengths);
    }

    private static string Pct(long part, long whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:F1}%";
}

public enum AuditSeverity { Info, Warning }

/// <summary>One audit result: which check, which split ("all" for cross-split checks), how many, and what it means.</summary>
public sealed record AuditFinding(AuditSeverity Severity, string Check, string Split, long Count, string Message);

/// <summary>Positives of one label in one split.</summary>
public sealed record LabelPrevalence(string Split, int Label, string Name, int Positives, int Stays)
{
    public double Rate => Stays == 0 ? 0 : (double)Positives / Stays;
}

/// <summary>Token-length distribution of a split's sequences (as fed to the model, so at most max_tokens).</summary>
public sealed record TokenLengths(string Split, int Stays, int Median, int P90, int Max, int Truncated, int MaxTokens)
{
    public double TruncatedShare => Stays == 0 ? 0 : (double)Truncated / Stays;

    internal static TokenLengths Of(string split, int[] lengths, int truncated, int maxTokens)
    {
        Array.Sort(lengths);
        int At(double q) => lengths.Length == 0 ? 0 : lengths[(int)Math.Min(lengths.Length - 1, Math.Floor(q * lengths.Length))];
        return new TokenLengths(split, lengths.Length, At(0.5), At(0.9), lengths.Length == 0 ? 0 : lengths[^1], truncated, maxTokens);
    }
}

/// <summary>Everything the audit found.</summary>
public sealed record AuditReport(ClinicalTask Task, IReadOnlyList<AuditFinding> Findings,
    IReadOnlyList<LabelPrevalence> Prevalence, IReadOnlyList<TokenLengths> Lengths)
{
    public IReadOnlyList<AuditFinding> Warnings => Findings.Where(f => f.Severity == AuditSeverity.Warning).ToList();
}
