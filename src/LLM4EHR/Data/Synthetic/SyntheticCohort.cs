using System.Collections.Immutable;
using LLM4EHR.IO;

namespace LLM4EHR.Data.Synthetic;

/// <summary>
/// A deterministic synthetic p2x cohort for demos, tests and benchmarks (never real MIMIC data).
/// IHM: ~13% positives; the notes of a stay carry risk phrases at a clear rate when its hidden state is
/// "dying", which matches the label except for ~7% flipped stays (label noise) and stays without notes.
/// Pheno: 25 labels with varied prevalence; each positive label shows its cue phrases in most stays,
/// a negative one occasionally.
/// </summary>
public static class SyntheticCohort
{
    public const double IhmPositiveRate = 0.13;
    /// <summary>Chance that the notes tell the opposite story from the IHM label.</summary>
    public const double IhmLabelNoise = 0.07;
    /// <summary>Chance that a positive phenotype shows its cues / that a negative one does.</summary>
    public const double CueIfPositive = 0.85, CueIfNegative = 0.04;

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
        GeneratedFolder.RequireWritable(outDir, GeneratedFolder.SyntheticCohort, "a synthetic cohort");
        GeneratedFolder.Claim(outDir, GeneratedFolder.SyntheticCohort);
        var splits = Enum.GetValues<P2xSplit>();
        var temps = new List<(string Temp, string Final)>();
        try
        {
            foreach (var split in splits)
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
        long? stayId = null;
        if (task == ClinicalTask.Ihm)
        {
            int died = rng.NextDouble() < IhmPositiveRate ? 1 : 0;
            bool risky = (died == 1) ^ (rng.NextDouble() < IhmLabelNoise);
            labels = [died];
            signal = new SyntheticNotes.Signal(risky, []);
        }
        else
        {
            var prevalence = SyntheticPhrases.PhenotypePrevalence;
            var builder = ImmutableArray.CreateBuilder<int>(prevalence.Length);
            var cues = new List<int>();
            for (int k = 0; k < prevalence.Length; k++)
            {
                int y = rng.NextDouble() < prevalence[k] ? 1 : 0;
                builder.Add(y);
                if (rng.NextDouble() < (y == 1 ? CueIfPositive : CueIfNegative))
                    cues.Add(k);
            }
            labels = builder.MoveToImmutable();
            stayId = 200_000 + index; // real Pheno files carry the ICU stay id
            signal = new SyntheticNotes.Signal(rng.NextDouble() < 0.1, cues);
        }
        double severity = (signal.Risky ? 1.0 : 0.0) + 0.3 * (rng.NextDouble() - 0.5);
        var (reg, irg, mask, times) = SyntheticSeries.Generate(rng, hours, severity);
        var notes = SyntheticNotes.Generate(rng, hours, signal);
        return new IcuStay(name, task, stayId, labels, reg, irg, mask, ImmutableArray.Create(times), notes);
    }
}
