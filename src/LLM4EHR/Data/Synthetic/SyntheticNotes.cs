using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace LLM4EHR.Data.Synthetic;

/// <summary>
/// Writes a stay's notes: 0–12 notes (about 7% of stays have none), times inside the horizon, at most
/// ~20k characters per stay. Each sentence is routine text or, with a rate set by the stay's hidden state,
/// a signal phrase, so the label is learnable from the notes but not trivially.
/// </summary>
internal static class SyntheticNotes
{
    public const int MaxNotes = 12;
    public const int MaxCharsPerStay = 20_000;

    /// <summary>What the notes of one stay should hint at.</summary>
    /// <param name="Risky">Notes look like a dying patient (IHM).</param>
    /// <param name="Cues">Phenotype indexes whose cue phrases appear (Pheno).</param>
    public readonly record struct Signal(bool Risky, IReadOnlyList<int> Cues);

    public static ImmutableArray<ClinicalNote> Generate(Random rng, int horizonHours, Signal signal)
    {
        int count = rng.NextDouble() < 0.07 ? 0 : rng.Next(1, MaxNotes + 1);
        var hours = new double[count];
        for (int i = 0; i < count; i++)
            hours[i] = Math.Round(rng.NextDouble() * (horizonHours - 0.05), 4); // strictly inside [0, horizon)
        Array.Sort(hours);

        var notes = ImmutableArray.CreateBuilder<ClinicalNote>(count);
        int budget = rng.Next(MaxCharsPerStay / 8, MaxCharsPerStay + 1);
        for (int i = 0; i < count; i++)
        {
            int target = Math.Max(120, budget / (count - i) + rng.Next(-200, 200));
            string text = Note(rng, signal, Math.Min(target, budget));
            budget -= text.Length;
            notes.Add(new ClinicalNote(hours[i], text));
        }
        return notes.MoveToImmutable();
    }

    private static string Note(Random rng, Signal signal, int targetChars)
    {
        var sb = new StringBuilder(targetChars + 200);
        sb.Append(Pick(rng, SyntheticPhrases.Headers)).Append(" : ");
        // Per-sentence rates: a risky stay mentions risk often, a stable one rarely (and vice versa for recovery).
        double riskRate = signal.Risky ? 0.30 : 0.02;
        double recoveryRate = signal.Risky ? 0.03 : 0.20;
        while (sb.Length < targetChars)
        {
            double u = rng.NextDouble();
            string sentence;
            if (u < riskRate)
                sentence = Pick(rng, SyntheticPhrases.Risk);
            else if (u < riskRate + recoveryRate)
                sentence = Pick(rng, SyntheticPhrases.Recovery);
            else if (signal.Cues.Count > 0 && rng.NextDouble() < 0.60)
                sentence = Pick(rng, SyntheticPhrases.PhenotypeCues[signal.Cues[rng.Next(signal.Cues.Count)]]);
            else
                sentence = Vitals(rng, Pick(rng, SyntheticPhrases.Routine));
            if (sb.Length + sentence.Length + 1 > targetChars && sb.Length > 40)
                break;
            sb.Append(sentence).Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>Varies the numbers in routine sentences so notes are not verbatim copies.</summary>
    private static string Vitals(Random rng, string sentence) =>
        rng.NextDouble() < 0.5 ? sentence : sentence + " hr " + rng.Next(60, 120).ToString(CultureInfo.InvariantCulture)
            + " , bp " + rng.Next(90, 150).ToString(CultureInfo.InvariantCulture) + " / " + rng.Next(50, 90).ToString(CultureInfo.InvariantCulture) + " .";

    private static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];
}
