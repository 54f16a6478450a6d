using Microsoft.Data.Analysis;

namespace LLM4EHR.Data;

/// <summary>Microsoft.Data.Analysis views of loaded stays, for notebooks and ad-hoc analysis.</summary>
public static class P2xFrames
{
    /// <summary>
    /// One row per stay: name, stay_id (null if absent), label (IHM) or label_0..label_24 (Pheno), note_count,
    /// note_chars, first_note_hour / last_note_hour (null without notes), irregular_rows, missing_rate
    /// (fraction of reg_ts mask cells that are 0).
    /// </summary>
    public static DataFrame Stays(IReadOnlyList<IcuStay> stays)
    {
        int labelCount = stays.Count == 0 ? 1 : stays.Max(s => s.Labels.Length);
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("name", stays.Select(s => s.Name)),
            new Int64DataFrameColumn("stay_id", stays.Select(s => s.StayId)),
        };
        for (int k = 0; k < labelCount; k++)
        {
            int label = k;
            string name = labelCount == 1 ? "label" : $"label_{k}";
            columns.Add(new Int32DataFrameColumn(name, stays.Select(s => label < s.Labels.Length ? s.Labels[label] : (int?)null)));
        }
        columns.Add(new Int32DataFrameColumn("note_count", stays.Select(s => (int?)s.Notes.Length)));
        columns.Add(new Int32DataFrameColumn("note_chars", stays.Select(s => (int?)P2xStayStats.NoteChars(s))));
        columns.Add(new DoubleDataFrameColumn("first_note_hour", stays.Select(s => s.Notes.Length > 0 ? s.Notes.Min(n => n.Hour) : (double?)null)));
        columns.Add(new DoubleDataFrameColumn("last_note_hour", stays.Select(s => s.Notes.Length > 0 ? s.Notes.Max(n => n.Hour) : (double?)null)));
        columns.Add(new Int32DataFrameColumn("irregular_rows", stays.Select(s => (int?)s.IrregularSeries.Rows)));
        columns.Add(new DoubleDataFrameColumn("missing_rate", stays.Select(s =>
        {
            var (cells, missing) = P2xStayStats.MaskCounts(s);
            return cells == 0 ? (double?)null : (double)missing / cells;
        })));
        return new DataFrame(columns);
    }

    /// <summary>One row per note: stay (name), index (within the stay), hour, chars, text.</summary>
    public static DataFrame Notes(IReadOnlyList<IcuStay> stays)
    {
        var rows = stays.SelectMany(s => s.Notes.Select((note, i) => (Stay: s.Name, Index: i, Note: note))).ToList();
        return new DataFrame(
            new StringDataFrameColumn("stay", rows.Select(r => r.Stay)),
            new Int32DataFrameColumn("index", rows.Select(r => (int?)r.Index)),
            new DoubleDataFrameColumn("hour", rows.Select(r => (double?)r.Note.Hour)),
            new Int32DataFrameColumn("chars", rows.Select(r => (int?)r.Note.Text.Length)),
            new StringDataFrameColumn("text", rows.Select(r => r.Note.Text)));
    }
}
