namespace LLM4EHR.Data;

/// <summary>Descriptive statistics of one loaded split (what <c>llm4ehr inspect</c> prints).</summary>
/// <param name="LabelPrevalence">Fraction of stays positive for each label (1 for IHM, 25 for Pheno).</param>
/// <param name="StaysWithoutNotes">Stays whose <c>text_data</c> is empty.</param>
/// <param name="MissingRate">Fraction of hourly <c>reg_ts</c> cells not observed (mask 0), over all stays.</param>
public sealed record P2xSplitSummary(
    string Split,
    ClinicalTask Task,
    int Stays,
    IReadOnlyList<double> LabelPrevalence,
    double NotesPerStay,
    double CharsPerStay,
    int MaxCharsPerStay,
    int StaysWithoutNotes,
    double IrregularRowsPerStay,
    double MissingRate)
{
    /// <summary>Summarizes <paramref name="stays"/>; an empty split gives zeros, not NaN.</summary>
    public static P2xSplitSummary Of(string split, ClinicalTask task, IReadOnlyList<IcuStay> stays)
    {
        int n = stays.Count;
        var prevalence = new double[task.LabelCount()];
        long notes = 0, chars = 0, rows = 0, cells = 0, missing = 0;
        int maxChars = 0, empty = 0;
        foreach (var stay in stays)
        {
            for (int k = 0; k < prevalence.Length && k < stay.Labels.Length; k++)
                prevalence[k] += stay.Labels[k];
            int stayChars = P2xStayStats.NoteChars(stay);
            notes += stay.Notes.Length;
            chars += stayChars;
            maxChars = Math.Max(maxChars, stayChars);
            if (stay.Notes.Length == 0)
                empty++;
            rows += stay.IrregularSeries.Rows;
            var (c, m) = P2xStayStats.MaskCounts(stay);
            cells += c;
            missing += m;
        }
        for (int k = 0; k < prevalence.Length; k++)
            prevalence[k] = n == 0 ? 0 : prevalence[k] / n;
        return new P2xSplitSummary(split, task, n, prevalence,
            n == 0 ? 0 : (double)notes / n, n == 0 ? 0 : (double)chars / n, maxChars, empty,
            n == 0 ? 0 : (double)rows / n, cells == 0 ? 0 : (double)missing / cells);
    }
}
