using LLM4EHR.Data.Pickle;
using LLM4EHR.IO;

namespace LLM4EHR.Data;

/// <summary>
/// Writes stays as a real p2x pickle (protocol 4, NumPy 2 names) that Python's <c>pickle.load</c> with NumPy
/// reads back: <c>reg_ts</c>/<c>irg_ts</c> float64 arrays, <c>irg_ts_mask</c> int64, <c>ts_tt</c>/<c>text_time</c>
/// float lists, <c>text_data</c> str list, <c>label</c> an int (IHM; no stay id) or an int list (Pheno, stay id first when known).
/// </summary>
public static class P2xWriter
{
    /// <summary>Writes atomically (<see cref="AtomicFile"/>): a temp file beside <paramref name="path"/>, renamed over it when complete.</summary>
    public static void Write(string path, IReadOnlyList<IcuStay> stays) => AtomicFile.Write(path, file => Write(file, stays));

    /// <summary>Writes the pickle of <paramref name="stays"/> to a stream.</summary>
    public static void Write(Stream output, IReadOnlyList<IcuStay> stays)
    {
        var w = new PickleWriter(output);
        w.Protocol();
        w.EmptyList();
        for (int start = 0; start < stays.Count; start += 1000) // CPython batches APPENDS by 1000
        {
            w.Mark();
            for (int i = start; i < Math.Min(stays.Count, start + 1000); i++)
                WriteRecord(w, stays[i]);
            w.Appends();
        }
        w.Stop();
    }

    /// <summary>The pickle as bytes (tests, benchmarks).</summary>
    public static byte[] ToBytes(IReadOnlyList<IcuStay> stays)
    {
        using var memory = new MemoryStream();
        Write(memory, stays);
        return memory.ToArray();
    }

    private static void WriteRecord(PickleWriter w, IcuStay stay)
    {
        w.EmptyDict();
        w.Mark();
        w.Str(P2xSchema.RegularSeriesKey);
        w.DoubleArray([stay.RegularSeries.Rows, stay.RegularSeries.Cols], stay.RegularSeries.Values);
        w.Str(P2xSchema.IrregularSeriesKey);
        w.DoubleArray([stay.IrregularSeries.Rows, stay.IrregularSeries.Cols], stay.IrregularSeries.Values);
        w.Str(P2xSchema.IrregularMaskKey);
        var mask = new long[stay.IrregularMask.Values.Length];
        for (int i = 0; i < mask.Length; i++)
            mask[i] = (long)stay.IrregularMask.Values[i];
        w.Int64Array([stay.IrregularMask.Rows, stay.IrregularMask.Cols], mask);
        w.Str(P2xSchema.IrregularTimesKey);
        w.FloatList(stay.IrregularTimes.AsSpan());
        w.Str(P2xSchema.NoteTextsKey);
        w.EmptyList();
        if (stay.Notes.Length > 0)
        {
            w.Mark();
            foreach (var note in stay.Notes)
                w.Str(note.Text);
            w.Appends();
        }
        w.Str(P2xSchema.NoteTimesKey);
        w.FloatList(stay.Notes.Select(n => n.Hour).ToArray());
        w.Str(P2xSchema.LabelKey);
        WriteLabel(w, stay);
        w.Str(P2xSchema.NameKey);
        w.Str(stay.Name);
        w.SetItems();
    }

    private static void WriteLabel(PickleWriter w, IcuStay stay)
    {
        if (stay.Task == ClinicalTask.Ihm)
        {
            w.Int(stay.Labels[0]); // real IHM files hold a plain int and no stay id
            return;
        }
        w.EmptyList();
        w.Mark();
        if (stay.StayId is long id)
            w.Int(id); // real Pheno files: 26 ints, the ICU stay id first
        foreach (int label in stay.Labels)
            w.Int(label);
        w.Appends();
    }
}
