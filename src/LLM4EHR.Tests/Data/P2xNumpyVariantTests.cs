using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// Files written by CPython + NumPy in every layout the loader promises (protocols 2/4/5, C and Fortran order,
/// both byte orders, float16/32/64, int and bool dtypes, labels as int, list, NumPy scalar or array) load to the
/// values NumPy itself computes.
/// </summary>
public sealed class P2xNumpyVariantTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llm4ehr-variants-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableTheory]
    [InlineData(2, "numpy1")]
    [InlineData(4, "numpy1")]
    [InlineData(5, "numpy1")]
    [InlineData(2, "numpy2")]
    [InlineData(4, "numpy2")]
    [InlineData(5, "numpy2")]
    public void Numpy_layouts_load_like_numpy(int protocol, string names)
    {
        Python.Require("numpy");
        var (code, stdout, stderr) = Python.Run(Script, _dir, protocol.ToString(), names);
        Assert.True(code == 0, "python failed: " + stderr);
        using var json = JsonDocument.Parse(stdout);
        foreach (var task in new[] { "ihm", "pheno" })
        {
            string path = Path.Combine(_dir, $"{task}-p{protocol}-{names}.pkl");
            var expected = json.RootElement.GetProperty(task).EnumerateArray().ToList();

            var stays = P2xDataset.LoadFile(path, ClinicalTaskInfo.Parse(task));

            Assert.Equal(expected.Count, stays.Count);
            for (int i = 0; i < stays.Count; i++)
            {
                var e = expected[i];
                var s = stays[i];
                string where = $"p{protocol} {task} record {i} ({e.GetProperty("variant").GetString()})";
                Assert.True(e.GetProperty("name").GetString() == s.Name, where);
                Assert.Equal(e.GetProperty("labels").EnumerateArray().Select(x => x.GetInt32()), s.Labels);
                Assert.Equal(e.GetProperty("stay_id").ValueKind == JsonValueKind.Null ? null : e.GetProperty("stay_id").GetInt64(), s.StayId);
                AssertValues(e.GetProperty("reg"), s.RegularSeries.Values, where + " reg_ts");
                AssertValues(e.GetProperty("irg"), s.IrregularSeries.Values, where + " irg_ts");
                AssertValues(e.GetProperty("mask"), s.IrregularMask.Values, where + " irg_ts_mask");
                AssertValues(e.GetProperty("tt"), s.IrregularTimes.AsSpan(), where + " ts_tt");
                Assert.Equal(e.GetProperty("irg_rows").GetInt32(), s.IrregularSeries.Rows);
            }
        }
    }

    // Every value in C order, as NumPy widens it to float64: exact equality (widening is exact).
    private static void AssertValues(JsonElement expected, ReadOnlySpan<double> actual, string where)
    {
        var want = expected.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.True(want.Length == actual.Length, $"{where}: {want.Length} values expected, got {actual.Length}");
        for (int i = 0; i < want.Length; i++)
            Assert.True(want[i] == actual[i], $"{where}[{i}]: expected {want[i]}, got {actual[i]}");
    }

    private const string Script = """
        import sys, os, json, pickle
        import numpy as np
        import numpy.core.multiarray, numpy.core.numeric
        out_dir, protocol, names = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        if names == 'numpy2' and not hasattr(np, '_core'):
            # NumPy 1.x: make pickle write the NumPy 2 module names (numpy._core.*), as real MIMIC files have.
            sys.modules['numpy._core'] = numpy.core
            sys.modules['numpy._core.multiarray'] = numpy.core.multiarray
            sys.modules['numpy._core.numeric'] = numpy.core.numeric
            numpy.core.multiarray._reconstruct.__module__ = 'numpy._core.multiarray'
            numpy.core.multiarray.scalar.__module__ = 'numpy._core.multiarray'
            numpy.core.numeric._frombuffer.__module__ = 'numpy._core.numeric'
        variants = [
            ('f8 C little', '<f8', 'C', '<i8'),
            ('f8 Fortran big-endian', '>f8', 'F', '>i4'),
            ('f4 C big-endian', '>f4', 'C', '|b1'),
            ('f2 Fortran', '<f2', 'F', '<u1'),
            ('f4 Fortran little', '<f4', 'F', '<f8'),
        ]
        def write(task):
          hours = 48 if task == 'ihm' else 24
          rng = np.random.default_rng(7)
          records, expected = [], []
          for i, (variant, dt, order, mask_dt) in enumerate(variants):
              n = 3 + i
              values = rng.normal(size=(hours, 17))
              reg = np.asarray(np.concatenate([values, rng.integers(0, 2, size=(hours, 17))], axis=1), dtype=dt, order=order) # 17 values, 17 0/1 masks
              irg = np.asarray(rng.normal(size=(n, 17)), dtype=dt, order=order)
              mask = np.asarray(rng.integers(0, 2, size=(n, 17)), dtype=mask_dt, order=order)
              tt = np.sort(rng.uniform(0, hours, size=n))
              tt_field = tt.astype('>f8') if i % 2 else tt.tolist()
              if task == 'ihm':
                  y = i % 2
                  label = [y, np.int64(y), np.array([y], dtype='>i8'), [np.int32(y)], bool(y)][i]
                  labels, stay_id = [y], None
              else:
                  labels = [int(v) for v in rng.integers(0, 2, size=25)]
                  stay_id = 300000 + i
                  full = [stay_id] + labels
                  label = [full, np.array(full, dtype='>i8'), labels, np.array(labels, dtype='<i4'), full][i]
                  if i in (2, 3):
                      stay_id = None
              records.append({'reg_ts': reg, 'irg_ts': irg, 'irg_ts_mask': mask, 'ts_tt': tt_field,
                              'text_data': ['note %d' % k for k in range(i)], 'text_time': [float(k) for k in range(i)],
                              'label': label, 'name': '%d_episode1_timeseries.csv' % (500 + i)})
              expected.append({'variant': variant, 'name': records[-1]['name'], 'labels': labels, 'stay_id': stay_id,
                               'reg': reg.astype('f8').ravel(order='C').tolist(), 'irg': irg.astype('f8').ravel(order='C').tolist(),
                               'mask': mask.astype('f8').ravel(order='C').tolist(), 'tt': [float(t) for t in tt],
                               'irg_rows': n})
          with open(os.path.join(out_dir, '%s-p%d-%s.pkl' % (task, protocol, names)), 'wb') as f:
              pickle.dump(records, f, protocol=protocol)
          return expected
        print(json.dumps({'ihm': write('ihm'), 'pheno': write('pheno')}))
        """;
}
