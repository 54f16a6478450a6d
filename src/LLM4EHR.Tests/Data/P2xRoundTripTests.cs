using System.Globalization;
using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Data.Synthetic;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Data;

/// <summary>Our writer's pickles load back unchanged here and load in CPython + NumPy to the same values.</summary>
public sealed class P2xRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llm4ehr-p2x-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Writer_then_loader_gives_equal_stays(ClinicalTask task)
    {
        var options = new SyntheticCohortOptions(task, TrainStays: 40, ValStays: 10, TestStays: 10, Seed: 5);
        var written = SyntheticCohort.Generate(options);
        SyntheticCohort.WriteSplits(_dir, options);

        var loaded = P2xDataset.LoadAll(_dir, task);

        foreach (var split in Enum.GetValues<P2xSplit>())
        {
            Assert.Equal(written[split].Count, loaded[split].Count);
            for (int i = 0; i < loaded[split].Count; i++)
                Assert.True(written[split][i].Equals(loaded[split][i]), $"{split} stay {i} ({written[split][i].Name}) differs after round trip");
        }
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp*")); // nothing half-written left behind
    }

    [Fact]
    public void Same_seed_same_bytes_other_seed_other_bytes()
    {
        var a = P2xWriter.ToBytes(SyntheticCohort.GenerateSplit(new(ClinicalTask.Ihm, 30, 5, 5, Seed: 9), P2xSplit.Train));
        var b = P2xWriter.ToBytes(SyntheticCohort.GenerateSplit(new(ClinicalTask.Ihm, 30, 5, 5, Seed: 9), P2xSplit.Train));
        var c = P2xWriter.ToBytes(SyntheticCohort.GenerateSplit(new(ClinicalTask.Ihm, 30, 5, 5, Seed: 10), P2xSplit.Train));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [SkippableFact]
    public void Python_pickle_with_numpy_reads_our_files()
    {
        Python.Require("numpy");
        var options = new SyntheticCohortOptions(ClinicalTask.Pheno, TrainStays: 25, ValStays: 3, TestStays: 3, Seed: 2);
        SyntheticCohort.WriteSplits(_dir, options);
        var ours = P2xDataset.LoadSplit(_dir, ClinicalTask.Pheno, P2xSplit.Train);

        var (code, stdout, stderr) = Python.Run(PythonSummary, P2xDataset.SplitPath(_dir, P2xSplit.Train));
        Assert.True(code == 0, "python failed: " + stderr);
        var records = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();

        Assert.Equal(ours.Count, records.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            var r = records[i];
            var s = ours[i];
            Assert.Equal(s.Name, r.GetProperty("name").GetString());
            Assert.Equal(new[] { s.StayId!.Value }.Concat(s.Labels.Select(l => (long)l)), r.GetProperty("label").EnumerateArray().Select(x => x.GetInt64()));
            Assert.Equal($"{s.RegularSeries.Rows}x{s.RegularSeries.Cols}", r.GetProperty("reg").GetString());
            Assert.Equal($"{s.IrregularSeries.Rows}x{s.IrregularSeries.Cols}", r.GetProperty("irg").GetString());
            Assert.Equal("int64", r.GetProperty("mask_dtype").GetString());
            Assert.Equal(Sum(s.RegularSeries.Values), r.GetProperty("reg_sum").GetDouble(), 9);
            Assert.Equal(Sum(s.IrregularMask.Values), r.GetProperty("mask_sum").GetDouble(), 9);
            Assert.Equal(s.Notes.Select(n => n.Text), r.GetProperty("texts").EnumerateArray().Select(x => x.GetString()));
            Assert.Equal(s.Notes.Sum(n => n.Hour), r.GetProperty("time_sum").GetDouble(), 9);
        }
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        double total = 0;
        foreach (var v in values) total += v;
        return total;
    }

    // NumPy < 2 has no numpy._core; NumPy 2 itself aliases the old names the other way. Alias so the
    // NumPy 2 names our writer uses (like the real MIMIC files) resolve on Debian's NumPy 1.x too.
    private const string PythonSummary = """
        import sys, json, pickle, numpy
        try:
            import numpy._core.multiarray
        except ImportError:
            import numpy.core.multiarray
            sys.modules['numpy._core'] = numpy.core
            sys.modules['numpy._core.multiarray'] = numpy.core.multiarray
        with open(sys.argv[1], 'rb') as f:
            data = pickle.load(f)
        out = []
        for r in data:
            out.append({
                'name': r['name'], 'label': [int(x) for x in r['label']],
                'reg': '%dx%d' % r['reg_ts'].shape, 'irg': '%dx%d' % r['irg_ts'].shape,
                'mask_dtype': str(r['irg_ts_mask'].dtype),
                'reg_sum': float(r['reg_ts'].sum()), 'mask_sum': float(r['irg_ts_mask'].sum()),
                'texts': r['text_data'], 'time_sum': float(sum(r['text_time'])),
            })
        print(json.dumps(out))
        """;
}
