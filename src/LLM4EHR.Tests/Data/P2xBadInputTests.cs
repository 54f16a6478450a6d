using System.Text;
using LLM4EHR.Data;
using LLM4EHR.Data.Synthetic;

namespace LLM4EHR.Tests.Data;

/// <summary>Each kind of bad file is refused with one line naming file, record, stay and field.</summary>
public sealed class P2xBadInputTests
{
    private const string File = "train_p2x_data.pkl";
    private const string Where = $"{File}: record 0 ({RecordPickle.Name})";

    private static string Fails(byte[] data, ClinicalTask task = ClinicalTask.Ihm)
    {
        var e = Assert.Throws<BadInputException>(() => P2xDataset.Parse(data, File, task));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    private static string FailsWith(Action<Dictionary<string, Action<LLM4EHR.Data.Pickle.PickleWriter>>> edit,
        ClinicalTask task = ClinicalTask.Ihm)
    {
        var fields = task == ClinicalTask.Ihm ? RecordPickle.ValidIhm() : RecordPickle.ValidPheno();
        edit(fields);
        return Fails(RecordPickle.Build(fields), task);
    }

    [Fact]
    public void Valid_records_load() // the baseline the other cases break one field of
    {
        var ihm = P2xDataset.Parse(RecordPickle.Build(RecordPickle.ValidIhm(), copies: 3), File, ClinicalTask.Ihm);
        Assert.Equal(3, ihm.Count);
        Assert.Equal(new[] { 1 }, ihm[0].Labels.ToArray());
        Assert.Equal(2, ihm[0].Notes.Length);
        var pheno = P2xDataset.Parse(RecordPickle.Build(RecordPickle.ValidPheno()), File, ClinicalTask.Pheno);
        Assert.Equal(200001, pheno[0].StayId);
        Assert.Equal(25, pheno[0].Labels.Length);
    }

    [Fact]
    public void Long_notes_are_decoded_from_the_file_as_utf8()
    {
        // A long note with multi-byte UTF-8 survives the rewritten stream Razorvine parses (only bytes are lifted).
        string longNote = string.Concat(Enumerable.Repeat("Pt stable, SpO₂ 97 % — café ", 20));
        var fields = RecordPickle.ValidIhm();
        fields["text_data"] = w => { w.EmptyList(); w.Mark(); w.Str(longNote); w.Str("short"); w.Appends(); };
        var stay = Assert.Single(P2xDataset.Parse(RecordPickle.Build(fields), File, ClinicalTask.Ihm));
        Assert.Equal([longNote, "short"], stay.Notes.Select(n => n.Text));
    }

    [Fact]
    public void Empty_file() => Assert.Equal($"{File}: empty file", Fails([]));

    [Fact]
    public void Not_a_pickle() => Assert.StartsWith($"{File}: not a pickle", Fails(Encoding.UTF8.GetBytes("name,label\nx,1\n")));

    [Fact]
    public void Truncated_file()
    {
        var full = P2xWriter.ToBytes(SyntheticCohort.GenerateSplit(new(ClinicalTask.Ihm, 5, 1, 1), P2xSplit.Train));
        foreach (int cut in new[] { 3, full.Length / 3, full.Length / 2, full.Length - 1 })
            Assert.StartsWith($"{File}: truncated pickle", Fails(full[..cut]));
    }

    [Fact]
    public void Wrong_top_level_type()
    {
        byte[] dict = [0x80, 4, (byte)'}', (byte)'.'];
        Assert.Equal($"{File}: expected a list of records at the top level, got dict", Fails(dict));
    }

    [Fact]
    public void Record_that_is_not_a_dict()
    {
        byte[] listOfInt = [0x80, 4, (byte)']', (byte)'K', 7, (byte)'a', (byte)'.'];
        Assert.Equal($"{File}: record 0: expected a dict, got int", Fails(listOfInt));
    }

    [Fact]
    public void Missing_key() =>
        Assert.Equal($"{Where}: label: missing key", FailsWith(f => f.Remove("label")));

    [Fact]
    public void Name_not_a_string() =>
        Assert.Equal($"{File}: record 0: name: expected str, got int", FailsWith(f => f["name"] = w => w.Int(3)));

    [Fact]
    public void Regular_series_wrong_hours() =>
        Assert.Equal($"{Where}: reg_ts: expected [48,34], got [47,34]",
            FailsWith(f => f["reg_ts"] = w => w.DoubleArray([47, 34], new double[47 * 34])));

    [Fact]
    public void Pheno_needs_24_hours_and_48_hours_looks_like_ihm() =>
        Assert.Equal($"{Where}: reg_ts: expected [24,34], got [48,34] (the shapes look like ihm data: is the task ihm?)",
            FailsWith(f => f["reg_ts"] = w => w.DoubleArray([48, 34], new double[48 * 34]), ClinicalTask.Pheno));

    [Fact]
    public void Ihm_with_26_pheno_labels_says_the_task_looks_like_pheno() =>
        Assert.Equal($"{Where}: label: expected 1 values for ihm, got 26 (the shapes look like pheno data: is the task pheno?)",
            FailsWith(f => f["label"] = w => RecordPickle.IntList(w, Enumerable.Repeat(0L, 26))));

    [Fact]
    public void A_shape_that_fits_no_task_gets_no_task_hint() =>
        Assert.Equal($"{Where}: reg_ts: expected [48,34], got [30,34]",
            FailsWith(f => f["reg_ts"] = w => w.DoubleArray([30, 34], new double[30 * 34])));

    [Fact]
    public void Irregular_series_wrong_width() =>
        Assert.Equal($"{Where}: irg_ts: expected [n,17], got [3,16]",
            FailsWith(f => f["irg_ts"] = w => w.DoubleArray([3, 16], new double[48])));

    [Fact]
    public void Mask_shape_differs_from_series() =>
        Assert.Equal($"{Where}: irg_ts_mask: expected [3,17], got [2,17]",
            FailsWith(f => f["irg_ts_mask"] = w => w.Int64Array([2, 17], new long[34])));

    [Fact]
    public void Times_length_differs_from_rows() =>
        Assert.Equal($"{Where}: ts_tt: expected 3 times (rows of irg_ts), got 2",
            FailsWith(f => f["ts_tt"] = w => w.FloatList([1.0, 2.0])));

    [Fact]
    public void Regular_series_wrong_width() =>
        Assert.Equal($"{Where}: reg_ts: expected [48,34], got [48,33]",
            FailsWith(f => f["reg_ts"] = w => w.DoubleArray([48, 33], new double[48 * 33])));

    [Fact]
    public void Regular_series_NaN_where_the_mask_says_observed()
    {
        var values = new double[48 * 34];
        values[5 * 34 + 17 + 2] = 1;          // hour 5, channel 2 observed ...
        values[5 * 34 + 2] = double.NaN;      // ... but NaN
        Assert.Equal($"{Where}: reg_ts: row 5, column 2: NaN where the mask (column 19) says observed",
            FailsWith(f => f["reg_ts"] = w => w.DoubleArray([48, 34], values)));
    }

    [Fact]
    public void Regular_series_NaN_where_the_mask_says_missing_is_a_missing_value()
    {
        var fields = RecordPickle.ValidIhm();
        var values = new double[48 * 34];
        values[3 * 34 + 4] = double.NaN;      // mask 0: not observed
        fields["reg_ts"] = w => w.DoubleArray([48, 34], values);
        var stay = Assert.Single(P2xDataset.Parse(RecordPickle.Build(fields), File, ClinicalTask.Ihm));
        Assert.True(double.IsNaN(stay.RegularSeries[3, 4]));
    }

    [Fact]
    public void Regular_series_mask_that_is_not_0_or_1()
    {
        var values = new double[48 * 34];
        values[34 + 30] = 0.5;
        Assert.Equal($"{Where}: reg_ts: row 1, column 30 (mask of column 13): expected 0 or 1, got 0.5",
            FailsWith(f => f["reg_ts"] = w => w.DoubleArray([48, 34], values)));
    }

    [Fact]
    public void Irregular_series_NaN_where_its_mask_says_observed()
    {
        var values = Enumerable.Range(0, 51).Select(i => i * 0.5).ToArray();
        values[17 + 3] = double.NaN;          // row 1, column 3; the valid record's mask is all ones
        Assert.Equal($"{Where}: irg_ts: row 1, column 3: NaN where irg_ts_mask says observed",
            FailsWith(f => f["irg_ts"] = w => w.DoubleArray([3, 17], values)));
    }

    [Fact]
    public void Irregular_times_must_be_finite() =>
        Assert.Equal($"{Where}: ts_tt: item 2: expected a finite hour, got NaN",
            FailsWith(f => f["ts_tt"] = w => w.FloatList([1.0, 2.0, double.NaN])));

    [Fact]
    public void Zero_length_irregular_series_load()
    {
        var fields = RecordPickle.ValidIhm();
        fields["irg_ts"] = w => w.DoubleArray([0, 17], []);
        fields["irg_ts_mask"] = w => w.Int64Array([0, 17], []);
        fields["ts_tt"] = w => w.FloatList([]);
        var stay = Assert.Single(P2xDataset.Parse(RecordPickle.Build(fields), File, ClinicalTask.Ihm));
        Assert.Equal(0, stay.IrregularSeries.Rows);
        Assert.Empty(stay.IrregularTimes);
    }

    [Fact]
    public void Note_times_length_differs_from_texts() =>
        Assert.Equal($"{Where}: text_time: expected 2 times (one per text_data note), got 3",
            FailsWith(f => f["text_time"] = w => w.FloatList([1.0, 2.0, 3.0])));

    [Fact]
    public void Note_text_not_a_string() =>
        Assert.Equal($"{Where}: text_data: item 1: expected str, got int",
            FailsWith(f => f["text_data"] = w => { w.EmptyList(); w.Mark(); w.Str("ok"); w.Int(5); w.Appends(); }));

    [Fact]
    public void Non_binary_label() =>
        Assert.Equal($"{Where}: label: item 0: expected 0 or 1, got 2", FailsWith(f => f["label"] = w => w.Int(2)));

    [Fact]
    public void NaN_label() =>
        Assert.Equal($"{Where}: label: item 0: expected 0 or 1, got NaN", FailsWith(f => f["label"] = w => w.Float(double.NaN)));

    [Fact]
    public void Wrong_label_count() =>
        Assert.Equal($"{Where}: label: expected 25 or 26 values for pheno, got 24",
            FailsWith(f => f["label"] = w => RecordPickle.IntList(w, Enumerable.Repeat(0L, 24)), ClinicalTask.Pheno));

    [Fact]
    public void Object_dtype_array_is_rejected() =>
        Assert.Equal($"{Where}: reg_ts: object arrays are not supported (dtype 'O')",
            FailsWith(f => f["reg_ts"] = w => w.NumpyArray([2], "O8", new byte[16])));

    [Fact]
    public void Among_many_bad_records_the_lowest_index_is_reported()
    {
        // 700 records are converted in parallel chunks of 256: the error must still be the one a sequential
        // read meets first (record 300, not 650), on every run.
        var good = RecordPickle.ValidIhm();
        var bad = RecordPickle.ValidIhm();
        bad["label"] = w => w.Int(2);
        using var memory = new MemoryStream();
        var writer = new LLM4EHR.Data.Pickle.PickleWriter(memory);
        writer.Protocol();
        writer.EmptyList();
        writer.Mark();
        for (int i = 0; i < 700; i++)
        {
            writer.EmptyDict();
            writer.Mark();
            foreach (var (key, write) in i is 300 or 650 ? bad : good)
            {
                writer.Str(key);
                write(writer);
            }
            writer.SetItems();
        }
        writer.Appends();
        writer.Stop();
        for (int run = 0; run < 5; run++)
            Assert.Equal($"{File}: record 300 ({RecordPickle.Name}): label: item 0: expected 0 or 1, got 2", Fails(memory.ToArray()));
    }

    [Fact]
    public void Large_bytes_payload_where_a_str_is_expected_is_still_called_bytes() =>
        // 300 bytes: lifted out of the stream Razorvine parses (LiftedPickleWriter.MinLiftBytes), not a byte[].
        Assert.Equal($"{File}: record 0: name: expected str, got bytes", FailsWith(f => f["name"] = w => w.Bytes(new byte[300])));

    [Fact]
    public void Long_str_where_a_number_is_expected_is_still_called_str() =>
        // 300 chars: lifted and left undecoded (PickleText), but errors still speak Python.
        Assert.Equal($"{Where}: label: expected an int, list or array, got str",
            FailsWith(f => f["label"] = w => w.Str(new string('x', 300))));

    [Fact]
    public void Large_array_payload_of_the_wrong_size_is_rejected() =>
        Assert.Equal($"{Where}: reg_ts: NumPy array claims shape [48,34] of <f8 but holds 4096 bytes",
            FailsWith(f => f["reg_ts"] = w => w.NumpyArray([48, 34], "f8", new byte[4096])));

    [Fact]
    public void Claimed_shape_larger_than_data_fails_without_allocating()
    {
        // 2^31-1 × 2^31-1 float64 would be 32 EiB: the check must compare before any allocation.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var message = FailsWith(f => f["reg_ts"] = w => w.NumpyArray([int.MaxValue, int.MaxValue], "f8", new byte[16]));
        Assert.Equal($"{Where}: reg_ts: NumPy array claims shape [2147483647,2147483647] of <f8 but holds 16 bytes", message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "a forged shape must not allocate its claimed size");
    }

    [Fact]
    public void Missing_split_file()
    {
        var dir = Directory.CreateTempSubdirectory("llm4ehr-missing-").FullName;
        try
        {
            var e = Assert.Throws<BadInputException>(() => P2xDataset.LoadAll(dir, ClinicalTask.Ihm));
            Assert.StartsWith("train_p2x_data.pkl: split file not found", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
