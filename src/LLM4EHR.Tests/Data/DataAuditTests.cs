using System.Collections.Immutable;
using LLM4EHR.Data;
using LLM4EHR.Data.Audit;
using LLM4EHR.Data.Synthetic;
using LLM4EHR.Text;

namespace LLM4EHR.Tests.Data;

/// <summary>The audit finds each kind of leak or defect planted in a synthetic cohort, and none in the clean one.</summary>
public sealed class DataAuditTests
{
    private static readonly SyntheticCohortOptions Options = new(ClinicalTask.Ihm, TrainStays: 200, ValStays: 120, TestStays: 120, Seed: 4);

    private static AuditReport Audit(P2xSplits splits, ClinicalTask task = ClinicalTask.Ihm) =>
        DataAudit.Run(task, splits, Llama3Tokenizer.Embedded, maxTokens: 256);

    [Fact]
    public void The_clean_demo_cohort_has_no_warnings()
    {
        var report = Audit(SyntheticCohort.Generate(Options));
        Assert.Empty(report.Warnings);
        Assert.Equal(3, report.Lengths.Count);
        Assert.All(report.Lengths, l => Assert.InRange(l.Max, 1, 256));
        Assert.Equal(3, report.Prevalence.Count);   // one IHM label × three splits
    }

    [Fact]
    public void Each_planted_leak_is_found()
    {
        var clean = SyntheticCohort.Generate(Options);
        var train = clean.Train.ToList();
        var val = clean.Val.ToList();
        var test = clean.Test.ToList();
        // A subject of the train split reappears in test (another episode of the same patient).
        string subject = train[0].Name.Split('_')[0];
        test[0] = test[0] with { Name = $"{subject}_episode9_timeseries.csv" };
        // The same stay twice in val.
        val[1] = val[1] with { Name = val[0].Name };
        // A note written after the 48 h horizon.
        train[3] = train[3] with { Notes = train[3].Notes.Add(new ClinicalNote(60.0, "late note")) };
        // Val with only a few positives.
        for (int i = 0; i < val.Count; i++)
            val[i] = val[i] with { Labels = ImmutableArray.Create(i < 3 ? 1 : 0) };

        var report = Audit(new P2xSplits(train, val, test));

        Assert.Contains(report.Warnings, w => w.Check == "subject_in_several_splits" && w.Count == 1);
        Assert.Contains(report.Warnings, w => w.Check == "duplicate_stay_names" && w.Split == "val" && w.Count == 1);
        Assert.Contains(report.Warnings, w => w.Check == "notes_after_horizon" && w.Split == "train" && w.Count == 1);
        Assert.Contains(report.Warnings, w => w.Check == "few_positives" && w.Split == "val" && w.Count == 3);
        Assert.Equal(3, report.Prevalence.Single(p => p.Split == "val").Positives);
    }

    [Fact]
    public void Stays_without_notes_and_truncation_are_reported_as_information()
    {
        var clean = SyntheticCohort.Generate(Options);
        var train = clean.Train.Select((s, i) => i < 7 ? s with { Notes = [] } : s).ToList();
        var report = Audit(new P2xSplits(train, clean.Val, clean.Test));
        var empty = report.Findings.Single(f => f.Check == "stays_without_notes" && f.Split == "train");
        Assert.Equal(AuditSeverity.Info, empty.Severity);
        Assert.True(empty.Count >= 7);
        Assert.Contains(report.Findings, f => f.Check == "truncated");
        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("late note"));   // counts, never note text
    }
}
