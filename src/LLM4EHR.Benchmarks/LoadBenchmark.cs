using System.Diagnostics;
using System.Globalization;
using LLM4EHR.Data.Synthetic;
using LLM4EHR.Data;
using LLM4EHR.Runtime;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench load</c>: unpickles a synthetic IHM split of ~2000 stays into typed, validated records, and the same
/// file with CPython's <c>pickle.load</c> (+ NumPy) in a subprocess when /usr/bin/python3 has NumPy.
/// </summary>
public static class LoadBenchmark
{
    public const string PythonExe = "/usr/bin/python3";

    public static LoadBenchResult Run(int stays = 2000, int runs = 5, int seed = 1, IProgress<string>? progress = null)
    {
        string dir = Directory.CreateTempSubdirectory("llm4ehr-bench-load-").FullName;
        try
        {
            string path = Path.Combine(dir, P2xSchema.FileName(P2xSplit.Train));
            progress?.Report($"writing {stays} synthetic IHM stays");
            P2xWriter.Write(path, SyntheticCohort.GenerateSplit(new SyntheticCohortOptions(ClinicalTask.Ihm, stays, 0, 0, seed), P2xSplit.Train));
            double mb = new FileInfo(path).Length / 1e6;

            progress?.Report("timing our loader");
            int loaded = 0;
            var ours = BenchTimer.Measure(() => loaded = P2xDataset.LoadFile(path, ClinicalTask.Ihm).Count, warmups: 1, runs: runs);
            if (loaded != stays)
                throw new InvalidOperationException($"bench load: loaded {loaded} stays, wrote {stays}");

            progress?.Report("timing CPython pickle.load");
            return new LoadBenchResult(stays, mb, ours, TimePython(path, runs));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Median/min/max of CPython pickle.load of the file, timed inside Python; null without python3 + NumPy.</summary>
    public static TimingStats? TimePython(string path, int runs)
    {
        if (!File.Exists(PythonExe))
            return null;
        var psi = new ProcessStartInfo(PythonExe) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PythonTimer);
        psi.ArgumentList.Add(path);
        psi.ArgumentList.Add(runs.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return null; // no NumPy (or no python): the benchmark reports our side only
        var ms = stdout.Result.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return new TimingStats(ms[0], ms[1], ms[2], runs);
    }

    // NumPy < 2 lacks numpy._core (our files use NumPy 2 names, like the real MIMIC files): alias it.
    private const string PythonTimer = """
        import sys, time, pickle, statistics
        import numpy
        try:
            import numpy._core.multiarray
        except ImportError:
            import numpy.core.multiarray
            sys.modules['numpy._core'] = numpy.core
            sys.modules['numpy._core.multiarray'] = numpy.core.multiarray
        path, runs = sys.argv[1], int(sys.argv[2])
        def load():
            with open(path, 'rb') as f:
                return pickle.load(f)
        load()
        times = []
        for _ in range(runs):
            t = time.perf_counter(); load(); times.append((time.perf_counter() - t) * 1000)
        print(statistics.median(times), min(times), max(times))
        """;
}

/// <summary>
/// What <see cref="LoadBenchmark"/> measured; <see cref="Python"/> is null without NumPy. Both sides print min/median/max:
/// on a shared machine one side's median can land in a load spike the other missed, and the ratio of the minima
/// (<c>ratio_min</c>, each side's least disturbed run) is the steadier comparison.
/// </summary>
public sealed record LoadBenchResult(int Stays, double FileMb, TimingStats Ours, TimingStats? Python)
{
    public double? Ratio => Python is { } p ? Ours.MedianMs / p.MedianMs : null;
    public double? RatioMin => Python is { } p ? Ours.MinMs / p.MinMs : null;

    public BenchSummary Summary()
    {
        var s = new BenchSummary("load").Add("stays", Stays).Add("file_mb", FileMb, 1)
            .Add("ms", Ours.MedianMs, 1).Add("min_ms", Ours.MinMs, 1).Add("max_ms", Ours.MaxMs, 1)
            .Add("gc_gen0size", ManagedHeapSettings.Gen0SizeSetting).Add("gc_background", ManagedHeapSettings.BackgroundGc ? 1L : 0L)
            .Add("gc_gen0_cap_mb", (ManagedHeapSettings.Gen0MaxBudgetBytes ?? 0) >> 20).Add("gc_region", RegionOptedOut() ? 0L : 1L);
        if (Python is { } p)
            s.Add("python_ms", p.MedianMs, 1).Add("python_min_ms", p.MinMs, 1).Add("python_max_ms", p.MaxMs, 1)
                .Add("ratio", Ratio!.Value, 3).Add("ratio_min", RatioMin!.Value, 3);
        return s;
    }

    private static bool RegionOptedOut() => Environment.GetEnvironmentVariable(AllocationBurst.OptOutVariable) == "1";
}
