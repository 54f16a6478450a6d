using LLM4EHR.Data.Pickle;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// Builds small p2x pickles field by field with the library's opcode writer, so a test can break exactly one
/// field (wrong shape, missing key, bad label) and leave the rest valid.
/// </summary>
internal static class RecordPickle
{
    public const string Name = "25879_episode2_timeseries.csv";

    /// <summary>A valid IHM record: 48×34 reg_ts, 3 irregular rows, 2 notes, label 1.</summary>
    public static Dictionary<string, Action<PickleWriter>> ValidIhm() => new()
    {
        ["reg_ts"] = w => w.DoubleArray([48, 34], new double[48 * 34]),
        ["irg_ts"] = w => w.DoubleArray([3, 17], Enumerable.Range(0, 51).Select(i => i * 0.5).ToArray()),
        ["irg_ts_mask"] = w => w.Int64Array([3, 17], Enumerable.Repeat(1L, 51).ToArray()),
        ["ts_tt"] = w => w.FloatList([1.0, 2.0, 3.0]),
        ["text_data"] = w => { w.EmptyList(); w.Mark(); w.Str("pt stable ."); w.Str("family meeting ."); w.Appends(); },
        ["text_time"] = w => w.FloatList([1.5, 30.25]),
        ["label"] = w => w.Int(1),
        ["name"] = w => w.Str(Name),
    };

    /// <summary>A valid Pheno record: 24×34 reg_ts, labels as 26 ints with the stay id first.</summary>
    public static Dictionary<string, Action<PickleWriter>> ValidPheno()
    {
        var fields = ValidIhm();
        fields["reg_ts"] = w => w.DoubleArray([24, 34], new double[24 * 34]);
        fields["label"] = w => IntList(w, [200001, .. Enumerable.Range(0, 25).Select(i => (long)(i % 2))]);
        return fields;
    }

    public static void IntList(PickleWriter w, IEnumerable<long> values)
    {
        w.EmptyList();
        w.Mark();
        foreach (var v in values) w.Int(v);
        w.Appends();
    }

    /// <summary>A pickled list of <paramref name="copies"/> records made of these fields (in this order).</summary>
    public static byte[] Build(Dictionary<string, Action<PickleWriter>> fields, int copies = 1)
    {
        using var memory = new MemoryStream();
        var w = new PickleWriter(memory);
        w.Protocol();
        w.EmptyList();
        w.Mark();
        for (int i = 0; i < copies; i++)
        {
            w.EmptyDict();
            w.Mark();
            foreach (var (key, write) in fields)
            {
                w.Str(key);
                write(w);
            }
            w.SetItems();
        }
        w.Appends();
        w.Stop();
        return memory.ToArray();
    }
}
