using System.Collections.Immutable;
using LLM4EHR.IO;

namespace LLM4EHR.Data.Synthetic;

/// <summary>
/// A deterministic synthetic p2x cohort for demos, tests and benchmarks (never real MIMIC data).
/// The label depends on two independent hidden factors, one expressed in the notes and one in the time series,
/// so each modality alone beats chance and their fusion beats both:
/// IHM: ~13% positives, logit = <see cref="IhmBaseLogit"/> + <see cref="IhmNotesWeight"/>·A + <see cref="IhmSeriesWeight"/>·s,
/// with A (10% of stays) a "dying" state the notes show through risk phrases and s ~ N(0,1) a physiological
/// severity the series show through drifting vitals (<see cref="SyntheticSeries"/>). Stays without notes hide A.
/// Pheno: 25 labels with varied prevalence; label k is A_k OR B_k, two independent causes of equal rate: A_k shows
/// its cue phrases in most stays' notes (a negative one occasionally), B_k shifts one vital's level in the series.
/// </summary>
public static class SyntheticCohort
{
    /// <summary>Rate of the notes' hidden "dying" state A (IHM).</summary>
    public const double IhmNotesFactorRate = 0.10;
    /// <summary>IHM label model: logit = base + notes weight × A + series weight × s (simulated: prevalence 0.13, AUROC notes 0.81, series 0.72, both 0.95).</summary>
    public const double IhmBaseLogit = -4.9, IhmNotesWeight = 8.0, IhmSeriesWeight = 2.5;
    /// <summary>Chance that a phenotype's notes cause A_k shows its cues / that a stay without it does.</summary>
    public const double CueIfPositive = 0.85, CueIfNegative = 0.04;

    /// <summary>
    /// Bumped whenever the same options generate different stays, so earlier demo cohorts are regenerated rather than
    /// reused (<see cref="GeneratedFolder.IsCurrent"/>). 2: the two-factor label model (notes and series).
    /// </summary>
    public const int GeneratorVersion = 2;

    /// <summary>What a cohort folder written with <paramref name="options"/> records in its marker.</summary>
    public static string Recipe(SyntheticCohortOptions options) => GeneratedFolder.Recipe("synthetic-p2x-cohort", GeneratorVersion, options);

    /// <summary>Generates one split.</summary>
    public static IReadOnlyList<IcuStay> GenerateSplit(SyntheticCohortOptions options, P2xSplit split)
    {
        int count = options.Count(split);
        if (count < 0)
            throw new BadInputException($"synthetic cohort: {split} size must not be negative, got {count}");
        // Seed mixing by fixed arithmetic (not HashCode, which is randomized per process).
        var rng = new Random(unchecked(options.Seed * 1_000_003 + (int)split * 7_919 + (int)options.Task * 104_729 + 17));
        int first = options.FirstIndex(split);
        var stays = new IcuStay[count];
        for (int i = 0; i < count; i++)
            stays[i] = Stay(new Random(rng.Next()), options.Task, first + i);
        return stays;
    }

    public static P2xSplits Generate(SyntheticCohortOptions options) => new(
        GenerateSplit(options, P2xSplit.Train), GenerateSplit(options, P2xSplit.Val), GenerateSplit(options, P2xSplit.Test));

    /// <summary>
    /// Writes <c>{train,val,test}_p2x_data.pkl</c> into <paramref name="outDir"/>: all three go to temp files
    /// first and are renamed only when every one is complete. Returns the written paths. The folder must be new,
    /// empty, or an earlier synthetic cohort's (<see cref="GeneratedFolder"/>): a user's split files are never replaced.
    /// </summary>
    public static IReadOnlyList<string> WriteSplits(string outDir, SyntheticCohortOptions options)
    {
        var written = new List<string>();
        GeneratedFolder.Write(outDir, GeneratedFolder.SyntheticCohort, "a synthetic cohort", Recipe(options), () => written.AddRange(WriteAll(outDir, options)));
        return written;
    }

    // All three splits to temp files first, renamed only when every one is complete.
    private static List<string> WriteAll(string outDir, SyntheticCohortOptions options)
    {
        var temps = new List<(string Temp, string Final)>();
        try
        {
            foreach (var split in Enum.GetValues<P2xSplit>())
            {
                string final = P2xDataset.SplitPath(outDir, split);
                string temp = final + $".tmp-{Environment.ProcessId}";
                temps.Add((temp, final));
                using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                P2xWriter.Write(file, GenerateSplit(options, split));
            }
            foreach (var (temp, final) in temps)
                File.Move(temp, final, overwrite: true);
            return temps.Select(t => t.Final).ToList();
        }
        finally
        {
            foreach (var (temp, _) in temps)
                if (File.Exists(temp))
                    File.Delete(temp);
        }
    }

    private static IcuStay Stay(Random rng, ClinicalTask task, int index)
    {
        int hours = task.HorizonHours();
        string name = $"{10000 + index}_episode{1 + index % 3}_timeseries.csv";
        ImmutableArray<int> labels;
        SyntheticNotes.Signal signal;
        SyntheticSeries.Signal seriesSignal;
        long? stayId = null;
        if (task == ClinicalTask.Ihm)
        {
            bool risky = rng.NextDouble() < IhmNotesFactorRate;   // A: what the notes show
            double severity = SyntheticSeries.Gaussian(rng);        // s: what the series show
            double logit = IhmBaseLogit + (risky ? IhmNotesWeight : 0) + IhmSeriesWeight * severity;
            labels = [rng.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0];
            signal = new SyntheticNotes.Signal(risky, []);
            seriesSignal = new SyntheticSeries.Signal(severity, []);
        }
        else
        {
            var prevalence = SyntheticPhrases.PhenotypePrevalence;
            var builder = ImmutableArray.CreateBuilder<int>(prevalence.Length);
            var cues = new List<int>();
            var shifted = new List<int>();
            for (int k = 0; k < prevalence.Length; k++)
            {
                // Two independent causes of equal rate r with 1 - (1 - r)^2 = prevalence.
                double rate = 1 - Math.Sqrt(1 - prevalence[k]);
                bool inNotes = rng.NextDouble() < rate, inSeries = rng.NextDouble() < rate;
                builder.Add(inNotes || inSeries ? 1 : 0);
                if (rng.NextDouble() < (inNotes ? CueIfPositive : CueIfNegative))
                    cues.Add(k);
                if (inSeries)
                    shifted.Add(k);
            }
            labels = builder.MoveToImmutable();
            stayId = 200_000 + index; // real Pheno files carry the ICU stay id
            signal = new SyntheticNotes.Signal(rng.NextDouble() < 0.1, cues);
            seriesSignal = new SyntheticSeries.Signal(0.3 * SyntheticSeries.Gaussian(rng), shifted);
        }
        var (reg, irg, mask, times) = SyntheticSeries.Generate(rng, hours, seriesSignal);
        var notes = SyntheticNotes.Generate(rng, hours, signal);
        return new IcuStay(name, task, stayId, labels, reg, irg, mask, ImmutableArray.Create(times), notes);
    }
}
