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

    /// <summary>
    /// A stay's <c>reg_ts</c>, one row per hour: <c>hour</c>, the 17 channels by name (null where the mask is 0: the
    /// file's fill value is not shown as a measurement), then <c>mask/&lt;channel&gt;</c> (0/1).
    /// </summary>
    public static DataFrame RegularSeries(IcuStay stay)
    {
        var reg = stay.RegularSeries;
        var rows = Enumerable.Range(0, reg.Rows).ToList();
        var columns = new List<DataFrameColumn> { new Int32DataFrameColumn("hour", rows.Select(r => (int?)r)) };
        for (int c = 0; c < Series.SeriesChannels.Count; c++)
        {
            int channel = c, mask = Series.SeriesChannels.MaskColumn(c);
            columns.Add(new DoubleDataFrameColumn(Series.SeriesChannels.Names[c], rows.Select(r => reg[r, mask] == 1 ? reg[r, channel] : (double?)null)));
        }
        for (int c = 0; c < Series.SeriesChannels.Count; c++)
        {
            int mask = Series.SeriesChannels.MaskColumn(c);
            columns.Add(new Int32DataFrameColumn("mask/" + Series.SeriesChannels.Names[c], rows.Select(r => (int?)reg[r, mask])));
        }
        return new DataFrame(columns);
    }

    /// <summary>
    /// A stay's irregular series (<c>irg_ts</c> with <c>ts_tt</c>), one row per measurement event: <c>hour</c>, then the
    /// 17 channels (null where <c>irg_ts_mask</c> is 0). A stay with no events gives an empty frame with these columns.
    /// </summary>
    public static DataFrame IrregularSeries(IcuStay stay)
    {
        var irg = stay.IrregularSeries;
        var rows = Enumerable.Range(0, irg.Rows).ToList();
        var columns = new List<DataFrameColumn> { new DoubleDataFrameColumn("hour", rows.Select(r => (double?)stay.IrregularTimes[r])) };
        for (int c = 0; c < Series.SeriesChannels.Count; c++)
        {
            int channel = c;
            columns.Add(new DoubleDataFrameColumn(Series.SeriesChannels.Names[c],
                rows.Select(r => stay.IrregularMask[r, channel] == 1 ? irg[r, channel] : (double?)null)));
        }
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
