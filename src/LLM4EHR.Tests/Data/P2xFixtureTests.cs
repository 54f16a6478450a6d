using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Data;

/// <summary>Every case under fixtures/p2x (written by real NumPy/pickle) loads to exactly what Python saw.</summary>
[Trait("Category", "Fixtures")]
public sealed class P2xFixtureTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("p2x");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loads_like_python(FixtureCase fixture)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(fixture.File("expected.json")));
        var root = expected.RootElement;
        var task = ClinicalTaskInfo.Parse(root.GetProperty("task").GetString()!);

        var stays = P2xDataset.LoadFile(fixture.File("train_p2x_data.pkl"), task);

        Assert.Equal(root.GetProperty("count").GetInt32(), stays.Count);
        var records = root.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(records.Count, stays.Count);
        for (int i = 0; i < stays.Count; i++)
            AssertRecord(records[i], stays[i], $"{fixture} record {i}");
    }

    private static void AssertRecord(JsonElement e, IcuStay s, string where)
    {
        Assert.True(e.GetProperty("name").GetString() == s.Name, $"{where}: name {s.Name}");
        Assert.Equal(e.GetProperty("label").EnumerateArray().Select(x => x.GetInt32()), s.Labels);
        var stayId = e.GetProperty("stay_id");
        Assert.Equal(stayId.ValueKind == JsonValueKind.Null ? null : stayId.GetInt64(), s.StayId);

        Assert.Equal(Ints(e, "reg_ts_shape"), new[] { s.RegularSeries.Rows, s.RegularSeries.Cols });
        Close(e, "reg_ts_sum", Sum(s.RegularSeries.Values, nan: false), where);
        Assert.Equal(Ints(e, "irg_ts_shape"), new[] { s.IrregularSeries.Rows, s.IrregularSeries.Cols });
        Close(e, "irg_ts_nansum", Sum(s.IrregularSeries.Values, nan: true), where);
        Assert.Equal(e.GetProperty("irg_ts_nan_count").GetInt32(), Count(s.IrregularSeries.Values, double.IsNaN));
        var firstRow = e.GetProperty("irg_ts_first_row");
        if (firstRow.ValueKind == JsonValueKind.Null)
            Assert.Equal(0, s.IrregularSeries.Rows);
        else
        {
            var want = firstRow.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? double.NaN : x.GetDouble()).ToArray();
            var got = s.IrregularSeries.Row(0).ToArray();
            Assert.Equal(want.Length, got.Length);
            for (int c = 0; c < want.Length; c++)
                Assert.True(double.IsNaN(want[c]) ? double.IsNaN(got[c]) : Rel(want[c], got[c]), $"{where}: irg_ts[0,{c}]");
        }
        Assert.Equal((s.IrregularMask.Rows, s.IrregularMask.Cols), (s.IrregularSeries.Rows, s.IrregularSeries.Cols));
        Close(e, "irg_ts_mask_sum", Sum(s.IrregularMask.Values, nan: false), where);
        Assert.Equal(e.GetProperty("ts_tt_len").GetInt32(), s.IrregularTimes.Length);
        Close(e, "ts_tt_sum", s.IrregularTimes.Sum(), where);
        Assert.Equal(e.GetProperty("text_count").GetInt32(), s.Notes.Length);
        Assert.Equal(e.GetProperty("text_chars").GetInt32(), s.Notes.Sum(n => n.Text.Length));
        var first = e.GetProperty("text_first");
        Assert.Equal(first.ValueKind == JsonValueKind.Null ? null : first.GetString(), s.Notes.Length > 0 ? s.Notes[0].Text : null);
        Close(e, "text_time_sum", s.Notes.Sum(n => n.Hour), where);
    }

    private static int[] Ints(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static double Sum(ReadOnlySpan<double> values, bool nan)
    {
        double sum = 0;
        foreach (var v in values)
            if (!(nan && double.IsNaN(v)))
                sum += v;
        return sum;
    }

    private static int Count(ReadOnlySpan<double> values, Func<double, bool> predicate)
    {
        int n = 0;
        foreach (var v in values)
            if (predicate(v)) n++;
        return n;
    }

    private static bool Rel(double want, double got) => Math.Abs(want - got) <= 1e-6 * Math.Max(1e-12, Math.Abs(want)) || want == got;

    // Sums within 1e-6 relative (fixtures/README.md); an exact zero must stay (near) zero.
    private static void Close(JsonElement e, string key, double got, string where)
    {
        double want = e.GetProperty(key).GetDouble();
        Assert.True(Math.Abs(want - got) <= 1e-6 * Math.Abs(want) + 1e-9, $"{where}: {key} expected {want}, got {got}");
    }
}
