using System.Collections.Immutable;
using LLM4EHR.Data;

namespace LLM4EHR.Tests.Text;

/// <summary>Hand-built stays for the text pipeline tests (only name, task, labels and notes matter here).</summary>
internal static class TextTestData
{
    public static IcuStay Stay(string name, ClinicalTask task, params (double Hour, string Text)[] notes) =>
        Stay(name, task, Enumerable.Repeat(0, task.LabelCount()).ToArray(), notes);

    public static IcuStay Stay(string name, ClinicalTask task, int[] labels, params (double Hour, string Text)[] notes) =>
        new(
            name,
            task,
            StayId: null,
            [.. labels],
            SeriesMatrix.Empty(34),
            SeriesMatrix.Empty(17),
            SeriesMatrix.Empty(17),
            ImmutableArray<double>.Empty,
            [.. notes.Select(n => new ClinicalNote(n.Hour, n.Text))]);

    /// <summary>Lower-case prose long enough to exceed any cap used in tests.</summary>
    public static string LongText(int words, int seed = 1)
    {
        string[] vocab = ["patient", "stable", "overnight", "bp", "120/80", "hr", "98", "on", "vanc", "and", "zosyn",
            "lasix", "40", "mg", "iv", "cxr", "bilateral", "infiltrates", ".", ",", "plan", ":", "wean", "sedation"];
        var rng = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, words).Select(_ => vocab[rng.Next(vocab.Length)]));
    }
}
