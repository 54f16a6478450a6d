using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using LLM4EHR.Data;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// Synthetic stays with plausible lower-case clinical prose (no real data): nursing/physician/radiology-like
/// notes of realistic, skewed lengths (median ≈ 300 words, long tail to ~3000), vitals and lab numbers, list
/// punctuation and line breaks, at hours spread past the task horizon. Deterministic per seed.
/// </summary>
public static class SyntheticClinicalNotes
{
    private static readonly string[] Words =
    [
        "patient", "pt", "admitted", "with", "history", "of", "hypertension", "diabetes", "copd", "chf", "cad", "afib",
        "presented", "to", "the", "ed", "shortness", "breath", "chest", "pain", "fever", "chills", "cough", "sputum",
        "was", "is", "and", "on", "in", "for", "at", "per", "no", "not", "without", "noted", "remains", "continues",
        "intubated", "extubated", "sedated", "propofol", "fentanyl", "midazolam", "vent", "settings", "peep", "fio2",
        "ac", "psv", "abg", "sat", "sats", "o2", "nc", "bipap", "lungs", "clear", "coarse", "crackles", "bilaterally",
        "diminished", "bases", "rhonchi", "wheezes", "abd", "soft", "nontender", "distended", "bowel", "sounds",
        "present", "hypoactive", "foley", "draining", "clear", "yellow", "urine", "output", "adequate", "poor",
        "creatinine", "bun", "potassium", "sodium", "magnesium", "repleted", "lactate", "wbc", "hct", "plt", "inr",
        "troponin", "trending", "down", "up", "stable", "unchanged", "improved", "worsening", "overnight", "today",
        "started", "continued", "discontinued", "held", "given", "vancomycin", "zosyn", "cefepime", "meropenem",
        "lasix", "heparin", "gtt", "insulin", "sliding", "scale", "norepinephrine", "levophed", "pressors", "weaned",
        "map", "goal", "above", "below", "bp", "hr", "rr", "temp", "afebrile", "febrile", "tachycardic", "bradycardic",
        "sinus", "rhythm", "rate", "controlled", "cxr", "ct", "head", "abdomen", "pelvis", "showed", "shows", "new",
        "bilateral", "infiltrates", "effusion", "effusions", "consolidation", "edema", "pulmonary", "vascular",
        "congestion", "atelectasis", "left", "right", "lower", "upper", "lobe", "opacity", "impression", "findings",
        "assessment", "plan", "neuro", "alert", "oriented", "x3", "follows", "commands", "moves", "all", "extremities",
        "pupils", "equal", "reactive", "skin", "intact", "warm", "dry", "pedal", "pulses", "palpable", "family",
        "meeting", "code", "status", "full", "dnr", "dni", "comfort", "care", "social", "work", "consulted", "will",
        "continue", "monitor", "follow", "cultures", "pending", "blood", "sepsis", "septic", "shock", "pneumonia",
        "uti", "aki", "renal", "failure", "respiratory", "hypoxemic", "acute", "chronic", "exacerbation", "likely",
        "secondary", "possible", "rule", "out", "r/o", "s/p", "w/", "h/o", "iv", "po", "prn", "mg", "mcg", "ml",
        "units", "hours", "hrs", "days", "q4h", "q6h", "bid", "tid", "daily", "tolerating", "tube", "feeds", "npo",
        "diet", "advanced", "ambulating", "oob", "chair", "pain", "controlled", "morphine", "dilaudid", "tylenol",
    ];

    private static readonly string[] Headers =
        ["hpi:", "pmh:", "meds:", "allergies: nkda", "physical exam:", "labs:", "imaging:", "assessment and plan:",
         "neuro:", "cv:", "resp:", "gi/gu:", "id:", "dispo:", "events:", "impression:"];

    /// <summary><paramref name="count"/> stays of <paramref name="task"/> with 1–15 notes each at 0–72 h.</summary>
    public static IReadOnlyList<IcuStay> Stays(int count, ClinicalTask task, int seed = 1)
    {
        var stays = new IcuStay[count];
        for (int i = 0; i < count; i++)
        {
            // Each stay has its own generator so a stay does not depend on how many came before.
            var rng = new Random(unchecked(seed * 7919 + i));
            int notes = 1 + rng.Next(15);
            var list = ImmutableArray.CreateBuilder<ClinicalNote>(notes);
            for (int n = 0; n < notes; n++)
                list.Add(new ClinicalNote(Math.Round(rng.NextDouble() * 72, 2), Note(rng)));
            var labels = Enumerable.Range(0, task.LabelCount()).Select(_ => rng.Next(5) == 0 ? 1 : 0).ToImmutableArray();
            stays[i] = new IcuStay($"{100000 + i}_episode1_timeseries.csv", task, null, labels,
                SeriesMatrix.Empty(34), SeriesMatrix.Empty(17), SeriesMatrix.Empty(17), [], list.MoveToImmutable());
        }
        return stays;
    }

    /// <summary>One note: log-normal word count (median ≈ 300), sections, numbers, punctuation.</summary>
    public static string Note(Random rng)
    {
        double normal = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int words = Math.Clamp((int)Math.Exp(5.7 + 0.8 * normal), 20, 3000);
        var sb = new StringBuilder(words * 7);
        for (int w = 0; w < words; w++)
        {
            int roll = rng.Next(100);
            if (roll < 2)
                sb.Append("\n\n").Append(Headers[rng.Next(Headers.Length)]).Append('\n');
            else if (roll < 9)
                sb.Append(' ').Append(Number(rng));
            else
                sb.Append(w == 0 ? "" : " ").Append(Words[rng.Next(Words.Length)]);
            roll = rng.Next(100);
            if (roll < 6)
                sb.Append(roll < 4 ? "." : roll < 5 ? "," : ";");
        }
        return sb.ToString();
    }

    private static string Number(Random rng) => rng.Next(6) switch
    {
        0 => $"{rng.Next(80, 180)}/{rng.Next(40, 100)}",                                       // blood pressure
        1 => (rng.Next(350, 405) / 10.0).ToString("0.0", CultureInfo.InvariantCulture),        // temperature
        2 => (rng.Next(4, 60) / 10.0).ToString("0.0", CultureInfo.InvariantCulture),           // creatinine, lactate
        3 => rng.Next(50, 150).ToString(CultureInfo.InvariantCulture),                          // heart rate, glucose
        4 => $"{rng.Next(1, 12)}/{rng.Next(1, 28)}",                                            // dates
        _ => $"{rng.Next(5, 1000)}{(rng.Next(2) == 0 ? "mg" : "ml")}",                          // doses
    };
}
