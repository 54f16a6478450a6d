using System.Collections;
using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using LLM4EHR.Data.Pickle;

namespace LLM4EHR.Data;

/// <summary>
/// Turns one unpickled p2x dict into a validated <see cref="IcuStay"/>. Every error names the file, the record
/// index, the stay and the field, e.g. <c>train_p2x_data.pkl: record 17 (…csv): reg_ts: expected [48,34], got [47,34]</c>.
/// </summary>
internal sealed class P2xRecordReader(string fileName, ClinicalTask task)
{
    public IcuStay Read(object? value, int index)
    {
        string where = $"{fileName}: record {index}";
        if (value is not Hashtable dict)
            throw new BadInputException($"{where}: expected a dict, got {PickleTypeName.Of(value)}");
        if (PickleText.AsString(dict[P2xSchema.NameKey]) is { } n)
            where += $" ({n})";
        foreach (var key in P2xSchema.RequiredKeys)
            if (!dict.ContainsKey(key))
                throw new BadInputException($"{where}: {key}: missing key");
        var field = new FieldContext(where);
        try
        {
            string name = PickleText.AsString(dict[P2xSchema.NameKey])
                ?? throw field.Error(P2xSchema.NameKey, $"expected str, got {PickleTypeName.Of(dict[P2xSchema.NameKey])}");
            int hours = task.HorizonHours();
            var reg = Matrix(dict[P2xSchema.RegularSeriesKey], field.Of(P2xSchema.RegularSeriesKey), hours, P2xSchema.RegularColumns,
                rows => rows == Other.HorizonHours() ? OtherTaskHint : "");
            var irg = Matrix(dict[P2xSchema.IrregularSeriesKey], field.Of(P2xSchema.IrregularSeriesKey), null, P2xSchema.VariableCount);
            var mask = Matrix(dict[P2xSchema.IrregularMaskKey], field.Of(P2xSchema.IrregularMaskKey), irg.Rows, P2xSchema.VariableCount);
            var times = Vector(dict[P2xSchema.IrregularTimesKey], field.Of(P2xSchema.IrregularTimesKey));
            if (times.Length != irg.Rows)
                throw field.Error(P2xSchema.IrregularTimesKey, $"expected {irg.Rows} times (rows of irg_ts), got {times.Length}");
            P2xSeriesChecks.Regular(reg, field.Of(P2xSchema.RegularSeriesKey));
            P2xSeriesChecks.Irregular(irg, mask, field.Of(P2xSchema.IrregularSeriesKey), field.Of(P2xSchema.IrregularMaskKey));
            P2xSeriesChecks.Times(times, field.Of(P2xSchema.IrregularTimesKey));
            var notes = Notes(dict[P2xSchema.NoteTextsKey], dict[P2xSchema.NoteTimesKey], field);
            var (stayId, labels) = Labels(dict[P2xSchema.LabelKey], field.Of(P2xSchema.LabelKey));
            return new IcuStay(name, task, stayId, labels, reg, irg, mask, ImmutableCollectionsMarshal.AsImmutableArray(times), notes); // no copy: times is ours
        }
        catch (BadInputException) { throw; }
        catch (Exception e) when (e is InvalidCastException or OverflowException or ArgumentException)
        {
            throw new BadInputException($"{where}: {e.Message}", e);
        }
    }

    // The commonest wrong-task mistake (--task ihm on Pheno files, or the reverse) gets named, not just the shapes.
    private ClinicalTask Other => task == ClinicalTask.Ihm ? ClinicalTask.Pheno : ClinicalTask.Ihm;
    private string OtherTaskHint => $" (the shapes look like {Other.Id()} data: is the task {Other.Id()}?)";

    private static SeriesMatrix Matrix(object? value, FieldContext.Field f, int? rows, int cols, Func<long, string>? hint = null)
    {
        if (value is not NumpyArray array)
            throw f.Error($"expected a 2-D NumPy array, got {PickleTypeName.Of(value)}");
        if (array.Defect is not null)
            throw f.Error(array.Defect);
        if (array.Rank != 2 || (rows is int r && array.Shape[0] != r) || array.Shape[1] != cols)
            throw f.Error($"expected [{(rows is int rr ? rr.ToString() : "n")},{cols}], got {array.ShapeText}" +
                          (array.Rank == 2 && hint is not null ? hint(array.Shape[0]) : ""));
        return new SeriesMatrix(array.Shape[0], cols, Doubles(array, f));
    }

    private static double[] Vector(object? value, FieldContext.Field f)
    {
        switch (value)
        {
            case NumpyArray { Rank: 1 } array:
                return Doubles(array, f);
            case double[] floats: // a float list the unpickler lifted (FloatListRun): ours alone, no copy needed
                return floats;
            case ArrayList list:
                var values = new double[list.Count];
                for (int i = 0; i < values.Length; i++)
                    values[i] = Number(list[i], f) ?? throw f.Error($"item {i}: expected a number, got {PickleTypeName.Of(list[i])}");
                return values;
            default:
                throw f.Error($"expected a list of numbers or a 1-D array, got {PickleTypeName.Of(value)}");
        }
    }

    private static ImmutableArray<ClinicalNote> Notes(object? texts, object? times, FieldContext field)
    {
        var fText = field.Of(P2xSchema.NoteTextsKey);
        if (texts is double[] { Length: > 0 })
            throw fText.Error("item 0: expected str, got float");
        if (texts is not ArrayList textList)
            throw fText.Error($"expected a list of str, got {PickleTypeName.Of(texts)}");
        var hours = Vector(times, field.Of(P2xSchema.NoteTimesKey));
        if (hours.Length != textList.Count)
            throw field.Error(P2xSchema.NoteTimesKey, $"expected {textList.Count} times (one per text_data note), got {hours.Length}");
        var notes = ImmutableArray.CreateBuilder<ClinicalNote>(textList.Count);
        for (int i = 0; i < textList.Count; i++)
        {
            if (PickleText.AsString(textList[i]) is not { } text)
                throw fText.Error($"item {i}: expected str, got {PickleTypeName.Of(textList[i])}");
            notes.Add(new ClinicalNote(hours[i], text));
        }
        return notes.MoveToImmutable();
    }

    private (long? StayId, ImmutableArray<int> Labels) Labels(object? value, FieldContext.Field f)
    {
        var raw = LabelValues(value, f);
        var allowed = P2xSchema.AllowedLabelCounts(task);
        if (!allowed.Contains(raw.Count))
            throw f.Error($"expected {string.Join(" or ", allowed)} values for {task.Id()}, got {raw.Count}" +
                          (P2xSchema.AllowedLabelCounts(Other).Contains(raw.Count) ? OtherTaskHint : ""));
        long? stayId = null;
        int skip = 0;
        if (raw.Count == task.LabelCount() + 1)
        {
            // Real Pheno files: the ICU stay id comes first, then the labels.
            double id = raw[0];
            if (double.IsNaN(id) || id != Math.Floor(id))
                throw f.Error($"item 0 (stay id): expected an integer, got {id}");
            stayId = (long)id;
            skip = 1;
        }
        var labels = ImmutableArray.CreateBuilder<int>(raw.Count - skip);
        for (int i = skip; i < raw.Count; i++)
        {
            double v = raw[i];
            if (v != 0 && v != 1) // NaN fails both comparisons
                throw f.Error($"item {i}: expected 0 or 1, got {v}");
            labels.Add((int)v);
        }
        return (stayId, labels.MoveToImmutable());
    }

    private static List<double> LabelValues(object? value, FieldContext.Field f)
    {
        switch (value)
        {
            case NumpyArray array:
                return [.. Doubles(array, f)];
            case double[] floats:
                return [.. floats];
            case ArrayList list:
                var values = new List<double>(list.Count);
                foreach (var item in list)
                {
                    values.Add(Number(item, f) ?? throw f.Error($"item {values.Count}: expected a number, got {PickleTypeName.Of(item)}"));
                }
                return values;
            default:
                return [Number(value, f) ?? throw f.Error($"expected an int, list or array, got {PickleTypeName.Of(value)}")];
        }
    }

    private static double[] Doubles(NumpyArray array, FieldContext.Field f) =>
        array.Defect is null ? array.ToDoubles() : throw f.Error(array.Defect);

    private static double? Number(object? value, FieldContext.Field f) => value switch
    {
        double d => d,
        int i => i,
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger big => (double)big,
        NumpyArray { Rank: 0 } s => Doubles(s, f)[0],
        _ => null,
    };
}
