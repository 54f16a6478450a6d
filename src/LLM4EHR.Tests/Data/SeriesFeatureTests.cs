using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Data.Series;
using LLM4EHR.Data.Synthetic;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// reg_ts features against NumPy computed here (mimic3-benchmarks' hand features, standardized sequence inputs),
/// and the standardizer's train-only statistics.
/// </summary>
public sealed class SeriesFeatureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("series-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Synthetic stays plus the edge cases: a channel never observed, one observed once, one constant.</summary>
    private static List<IcuStay> Stays(ClinicalTask task = ClinicalTask.Ihm, int count = 12, int seed = 3)
    {
        var stays = SyntheticCohort.GenerateSplit(new(task, count, 0, 0, seed), P2xSplit.Train).ToList();
        var reg = stays[0].RegularSeries;
        double[] values = reg.Values.ToArray();
        int cols = reg.Cols;
        for (int r = 0; r < reg.Rows; r++)
        {
            values[r * cols + 17 + 8] = 0;                                 // heart rate: never observed
            values[r * cols + 8] = double.NaN;                             // ... and NaN under mask 0 (allowed)
            values[r * cols + 17 + 9] = r == 5 ? 1 : 0;                    // height: one observation
            values[r * cols + 17 + 13] = 1;                                // systolic BP: observed every hour, constant
            values[r * cols + 13] = 1.25;
        }
        stays[0] = stays[0] with { RegularSeries = new SeriesMatrix(reg.Rows, cols, values) };
        return stays;
    }

    private string WriteRegTs(IEnumerable<IcuStay> stays)
    {
        string path = Path.Combine(_dir, "reg.json");
        File.WriteAllText(path, JsonSerializer.Serialize(stays.Select(s => Enumerable.Range(0, s.RegularSeries.Rows)
            .Select(r => s.RegularSeries.Row(r).ToArray().Select(v => double.IsNaN(v) ? (double?)null : v).ToArray()).ToArray()).ToArray()));
        return path;
    }

    private const string Reference = """
        import json, math, sys
        import numpy as np
        regs = [np.array([[np.nan if v is None else v for v in row] for row in s], dtype=np.float64) for s in json.load(open(sys.argv[1]))]
        def windows(h):
            out = []
            for w, p in enumerate([100, 10, 25, 50, 10, 25, 50]):
                n = min(h, math.ceil(p * h / 100))
                out.append((0, n) if w <= 3 else (h - n, h))
            return out
        def describe(x):
            n = len(x)
            if n == 0:
                return [None] * 5 + [0.0]
            m = x.mean(); d = x - m; m2 = (d ** 2).mean(); m3 = (d ** 3).mean()
            skew = None if x.max() == x.min() else m3 / m2 ** 1.5
            return [x.min(), x.max(), m, np.sqrt(m2), skew, float(n)]
        feats = []
        for reg in regs:
            f = []
            for c in range(17):
                for a, b in windows(reg.shape[0]):
                    seen = reg[a:b, 17 + c] == 1
                    f += describe(reg[a:b, c][seen])
            feats.append([None if v is None else float(v) for v in f])
        observed = np.concatenate([np.where(r[:, 17:] == 1, r[:, :17], np.nan) for r in regs[:int(sys.argv[2])]])
        mean = np.nanmean(observed, axis=0); std = np.nanstd(observed, axis=0)
        counts = (~np.isnan(observed)).sum(axis=0)
        mean = np.where(counts > 0, mean, 0.0); std = np.where((counts > 0) & (std > 0), std, 1.0)
        seqs = []
        for reg in regs:
            out = np.zeros((reg.shape[0], 34))
            for c in range(17):
                carried = 0.0
                for r in range(reg.shape[0]):
                    if reg[r, 17 + c] == 1:
                        carried = (reg[r, c] - mean[c]) / std[c]
                    out[r, c] = carried; out[r, 17 + c] = reg[r, 17 + c]
            seqs.append(out.ravel().tolist())
        print(json.dumps({"features": feats, "mean": mean.tolist(), "std": std.tolist(), "sequences": seqs}))
        """;

    private static JsonElement RunReference(string regPath, int trainCount)
    {
        Python.Require("numpy");
        var (code, stdout, stderr) = Python.Run(Reference, regPath, trainCount.ToString(CultureInfo.InvariantCulture));
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Hand_features_match_numpy(ClinicalTask task)
    {
        var stays = Stays(task);
        var expected = RunReference(WriteRegTs(stays), stays.Count);
        for (int s = 0; s < stays.Count; s++)
        {
            var got = HandFeatures.Extract(stays[s]);
            var want = expected.GetProperty("features")[s].EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();
            Assert.Equal(HandFeatures.Count, got.Length);
            Assert.Equal(want.Length, got.Length);
            for (int i = 0; i < got.Length; i++)
                Assert.True(double.IsNaN(want[i]) ? double.IsNaN(got[i]) : Math.Abs(want[i] - got[i]) <= 1e-9 * Math.Max(1, Math.Abs(want[i])),
                    $"stay {s} feature {i} ({HandFeatures.Names[i]}): numpy {want[i]}, ours {got[i]}");
        }
        // The edge cases hit what the policy says: never observed → NaN + count 0; constant → skew NaN, std 0.
        var first = HandFeatures.Extract(stays[0]);
        int Index(int channel, int window, int stat) => (channel * 7 + window) * 6 + stat;
        Assert.True(double.IsNaN(first[Index(8, 0, 2)]));
        Assert.Equal(0, first[Index(8, 0, 5)]);
        Assert.Equal(0, first[Index(13, 0, 3)]);
        Assert.True(double.IsNaN(first[Index(13, 0, 4)]));
        Assert.Equal(1, first[Index(9, 0, 5)]);
    }

    [Fact]
    public void Sequence_inputs_and_train_statistics_match_numpy()
    {
        var stays = Stays(count: 10);
        int train = 6;
        var standardizer = RegularSeriesInputs.Fit(stays.Take(train));
        var expected = RunReference(WriteRegTs(stays), train);
        var mean = expected.GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var std = expected.GetProperty("std").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int c = 0; c < 17; c++)
        {
            Assert.Equal(mean[c], standardizer.Mean[c], 1e-12);
            Assert.Equal(std[c], standardizer.Std[c], 1e-12);
        }
        for (int s = 0; s < stays.Count; s++)
        {
            var got = RegularSeriesInputs.Build(stays[s], standardizer);
            var want = expected.GetProperty("sequences")[s].EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            Assert.Equal(want, got);
        }
        Assert.All(RegularSeriesInputs.Build(stays[0], standardizer), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Standardizer_sees_only_the_train_split()
    {
        var splits = SyntheticCohort.Generate(new SyntheticCohortOptions(ClinicalTask.Ihm, 40, 10, 10, Seed: 8));
        // Val and test shifted far away: if any of their cells reached the statistics, the means would move.
        static IcuStay Shift(IcuStay s) => s with
        {
            RegularSeries = new SeriesMatrix(s.RegularSeries.Rows, s.RegularSeries.Cols,
                [.. s.RegularSeries.Values.ToArray().Select((v, i) => i % 34 < 17 ? v + 1000 : v)]),
        };
        var shifted = new P2xSplits(splits.Train, [.. splits.Val.Select(Shift)], [.. splits.Test.Select(Shift)]);
        var config = LLM4EHR.Config.ExperimentConfigLoader.Parse("""
            task: ihm
            data: { root: x }
            model: { type: lstm }
            """, "t.yaml");
        string pathA = Path.Combine(_dir, "a.json"), pathB = Path.Combine(_dir, "b.json");
        var a = LLM4EHR.Experiments.SeriesPipeline.Build(config, splits, pathA, fit: true);
        var b = LLM4EHR.Experiments.SeriesPipeline.Build(config, shifted, pathB, fit: true);
        Assert.Equal(File.ReadAllText(pathA), File.ReadAllText(pathB));
        Assert.Equal(RegularSeriesInputs.Fit(splits.Train).Mean, a.Standardizer.Mean);
        Assert.All(a.Standardizer.Mean, m => Assert.InRange(m, -5, 5));
        Assert.Equal(splits.Train.Sum(s => (long)s.RegularSeries.Values.ToArray().Where((v, i) => i % 34 >= 17 && v == 1).Count()),
            a.Standardizer.Count.Sum());

        // Logistic regression's feature statistics: train only as well.
        var logreg = config with { Model = config.Model with { Type = LLM4EHR.Config.ModelType.Logreg } };
        var fa = LLM4EHR.Experiments.SeriesPipeline.Build(logreg, splits, Path.Combine(_dir, "fa.json"), fit: true);
        var fb = LLM4EHR.Experiments.SeriesPipeline.Build(logreg, shifted, Path.Combine(_dir, "fb.json"), fit: true);
        Assert.Equal(fa.Standardizer.Mean, fb.Standardizer.Mean);
        Assert.Equal(HandFeatures.Count, fa.Width);

        // Read back, the saved file gives the same numbers; a file of another kind is refused by name.
        var loaded = ColumnStandardizer.Load(pathA, RegularSeriesInputs.Kind, SeriesChannels.Names);
        Assert.Equal(a.Standardizer.Std, loaded.Std);
        var e = Assert.Throws<BadInputException>(() => ColumnStandardizer.Load(Path.Combine(_dir, "fa.json"), RegularSeriesInputs.Kind, SeriesChannels.Names));
        Assert.StartsWith("fa.json: kind:", e.Message);
    }

    [Fact]
    public void Frames_expose_regular_and_irregular_series()
    {
        var stay = Stays(count: 2)[0];
        var regular = P2xFrames.RegularSeries(stay);
        Assert.Equal(48, regular.Rows.Count);
        Assert.Equal(1 + 2 * 17, regular.Columns.Count);
        Assert.Equal("hour", regular.Columns[0].Name);
        Assert.Equal("heart_rate", regular.Columns[1 + 8].Name);
        Assert.Null(regular["heart_rate"][0]);                           // never observed: null, not the file's fill value
        Assert.Equal(1.25, regular["systolic_blood_pressure"][3]);
        Assert.Equal(1, regular["mask/systolic_blood_pressure"][3]);

        var irregular = P2xFrames.IrregularSeries(stay);
        Assert.Equal(stay.IrregularSeries.Rows, (int)irregular.Rows.Count);
        Assert.Equal(stay.IrregularTimes[0], irregular["hour"][0]);
        for (int j = 0; j < 17; j++)
            Assert.Equal(stay.IrregularMask[0, j] == 1 ? stay.IrregularSeries[0, j] : null, (double?)irregular[SeriesChannels.Names[j]][0]);

        var empty = stay with { IrregularSeries = SeriesMatrix.Empty(17), IrregularMask = SeriesMatrix.Empty(17), IrregularTimes = [] };
        Assert.Equal(0, P2xFrames.IrregularSeries(empty).Rows.Count);   // zero-length series: an empty frame, not an error
    }
}
