using LLM4EHR.Data;
using LLM4EHR.Data.Synthetic;

namespace LLM4EHR.Tests.Data;

/// <summary>The synthetic cohort looks like p2x data and carries a learnable but noisy label signal in its notes.</summary>
public sealed class SyntheticCohortTests
{
    private static readonly SyntheticCohortOptions Ihm = new(ClinicalTask.Ihm, TrainStays: 600, ValStays: 0, TestStays: 300, Seed: 11);

    [Fact]
    public void Notes_look_like_p2x_notes()
    {
        var stays = SyntheticCohort.GenerateSplit(Ihm, P2xSplit.Train);
        Assert.All(stays, s =>
        {
            Assert.InRange(s.Notes.Length, 0, 12);
            Assert.InRange(s.Notes.Sum(n => n.Text.Length), 0, 20_000);
            Assert.All(s.Notes, n => Assert.InRange(n.Hour, 0, 48 - 1e-9));
            Assert.All(s.Notes, n => Assert.Equal(n.Text.ToLowerInvariant(), n.Text));
            Assert.Equal(s.IrregularTimes.Length, s.IrregularSeries.Rows);
        });
        Assert.InRange(stays.Count(s => s.Notes.Length == 0), 10, 90); // sometimes none
        Assert.InRange(stays.Max(s => s.Notes.Sum(n => n.Text.Length)), 15_000, 20_000);
        Assert.Equal(stays.Select(s => s.Name).Distinct().Count(), stays.Count);
    }

    [Fact]
    public void Ihm_prevalence_is_about_13_percent()
    {
        var all = SyntheticCohort.GenerateSplit(Ihm, P2xSplit.Train).Concat(SyntheticCohort.GenerateSplit(Ihm, P2xSplit.Test)).ToList();
        Assert.InRange(all.Average(s => s.Labels[0]), 0.10, 0.16);
    }

    [Fact]
    public void Pheno_labels_have_varied_prevalence_near_their_targets()
    {
        var stays = SyntheticCohort.GenerateSplit(new(ClinicalTask.Pheno, 900, 0, 0, Seed: 4), P2xSplit.Train);
        var summary = P2xSplitSummary.Of("train", ClinicalTask.Pheno, stays);
        Assert.Equal(25, summary.LabelPrevalence.Count);
        Assert.True(summary.LabelPrevalence.Max() - summary.LabelPrevalence.Min() > 0.25, "prevalence should vary across labels");
        Assert.All(stays, s => Assert.NotNull(s.StayId));
        Assert.Equal(25, PhenotypeNames.All.Count);
    }

    /// <summary>
    /// A naive Bayes over note words, trained on the train split and scored on the test split, separates the
    /// IHM classes well (the signal is learnable from data) but not perfectly (label noise, stays without notes).
    /// </summary>
    [Fact]
    public void Ihm_signal_is_learnable_but_noisy()
    {
        var train = SyntheticCohort.GenerateSplit(Ihm, P2xSplit.Train);
        var test = SyntheticCohort.GenerateSplit(Ihm, P2xSplit.Test);
        var counts = new Dictionary<string, (int Pos, int Neg)>();
        int pos = train.Count(s => s.Labels[0] == 1), neg = train.Count - pos;
        foreach (var stay in train)
            foreach (var word in Words(stay))
            {
                var c = counts.GetValueOrDefault(word);
                counts[word] = stay.Labels[0] == 1 ? (c.Pos + 1, c.Neg) : (c.Pos, c.Neg + 1);
            }
        double Score(IcuStay s) => Words(s).Sum(w =>
        {
            var c = counts.GetValueOrDefault(w);
            return Math.Log((c.Pos + 1.0) / (pos + 2)) - Math.Log((c.Neg + 1.0) / (neg + 2));
        });
        double auroc = Auroc(test.Select(Score).ToArray(), test.Select(s => s.Labels[0]).ToArray());
        Assert.InRange(auroc, 0.80, 0.985);
    }

    private static HashSet<string> Words(IcuStay stay) =>
        stay.Notes.SelectMany(n => n.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();

    private static double Auroc(double[] scores, int[] labels)
    {
        double wins = 0;
        int p = 0, n = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (labels[i] != 1) continue;
            p++;
            for (int j = 0; j < scores.Length; j++)
                if (labels[j] == 0)
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
        n = labels.Count(l => l == 0);
        return wins / ((double)p * n);
    }
}
