using System.Collections.Immutable;
using LLM4EHR.Data;

namespace LLM4EHR.Tests.Data;

/// <summary>Split summary and DataFrame views compute the documented figures on hand-checked stays.</summary>
public sealed class P2xViewsTests
{
    private static IcuStay Stay(string name, int label, params ClinicalNote[] notes)
    {
        var reg = new double[48 * 34];
        for (int h = 0; h < 48; h++)
            reg[h * 34 + 17] = h % 2; // variable 0 observed every other hour; the other 16 never: 1 - 24/816 observed
        return new IcuStay(name, ClinicalTask.Ihm, null, [label], new SeriesMatrix(48, 34, reg),
            new SeriesMatrix(2, 17, new double[34]), new SeriesMatrix(2, 17, new double[34]), [1.0, 2.0], [.. notes]);
    }

    private static readonly IReadOnlyList<IcuStay> Stays =
    [
        Stay("a.csv", 1, new ClinicalNote(3.5, "abc"), new ClinicalNote(40, "de")),
        Stay("b.csv", 0),
        Stay("c.csv", 0, new ClinicalNote(10, "fghij")),
    ];

    [Fact]
    public void Split_summary()
    {
        var s = P2xSplitSummary.Of("val", ClinicalTask.Ihm, Stays);
        Assert.Equal(3, s.Stays);
        Assert.Equal(1.0 / 3, s.LabelPrevalence[0], 12);
        Assert.Equal(1.0, s.NotesPerStay, 12);
        Assert.Equal(10.0 / 3, s.CharsPerStay, 12);
        Assert.Equal(5, s.MaxCharsPerStay);
        Assert.Equal(1, s.StaysWithoutNotes);
        Assert.Equal(2.0, s.IrregularRowsPerStay, 12);
        Assert.Equal(1 - 24.0 / (48 * 17), s.MissingRate, 12);
        Assert.Equal(0, P2xSplitSummary.Of("empty", ClinicalTask.Ihm, []).NotesPerStay);
    }

    [Fact]
    public void Stay_frame_has_one_row_per_stay()
    {
        var frame = P2xFrames.Stays(Stays);
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(["name", "stay_id", "label", "note_count", "note_chars", "first_note_hour", "last_note_hour", "irregular_rows", "missing_rate"],
            frame.Columns.Select(c => c.Name).ToArray());
        Assert.Equal("a.csv", frame["name"][0]);
        Assert.Null(frame["stay_id"][0]);
        Assert.Equal(1, frame["label"][0]);
        Assert.Equal(5, frame["note_chars"][0]);
        Assert.Equal(3.5, frame["first_note_hour"][0]);
        Assert.Equal(40.0, frame["last_note_hour"][0]);
        Assert.Null(frame["first_note_hour"][1]);
        Assert.Equal(1 - 24.0 / (48 * 17), (double)frame["missing_rate"][2]!, 12);
    }

    [Fact]
    public void Pheno_stay_frame_has_a_column_per_label()
    {
        var pheno = Stays[0] with { Task = ClinicalTask.Pheno, StayId = 7, Labels = [.. Enumerable.Range(0, 25).Select(i => i % 2)] };
        var frame = P2xFrames.Stays([pheno]);
        Assert.Equal(7L, frame["stay_id"][0]);
        Assert.Equal(1, frame["label_1"][0]);
        Assert.Equal(0, frame["label_24"][0]);
    }

    [Fact]
    public void Note_frame_has_one_row_per_note()
    {
        var frame = P2xFrames.Notes(Stays);
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(new object[] { "a.csv", 1, 40.0, 2, "de" }, frame.Rows[1].ToArray());
        Assert.Equal(new object[] { "c.csv", 0, 10.0, 5, "fghij" }, frame.Rows[2].ToArray());
    }
}
