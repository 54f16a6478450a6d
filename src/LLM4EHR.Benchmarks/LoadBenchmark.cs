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

    /// <summary>
    /// Loads timed with every result kept alive, as a run keeps its three splits: each lands on memory the process
    /// has not used yet, so page faults and the GC's promotion of live data count, which repeated loads that drop
    /// their result mostly avoid.
    /// </summary>
    public const int KeptLoads = 3;

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

            progress?.Report($"timing {KeptLoads} more loads, each result kept (train, val and test stay in memory in a run)");
            var keep = new List<IReadOnlyList<IcuStay>>();
            var kept = BenchTimer.Measure(() => keep.Add(P2xDataset.LoadFile(path, ClinicalTask.Ihm)), warmups: 0, runs: KeptLoads);
            keep.Clear();

            progress?.Report("timing CPython pickle.load");
            return new LoadBenchResult(stays, mb, ours, kept, TimePython(path, runs));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// CPython pickle.load of the file, timed inside Python: median/min/max of the repeated loads, and the median of
    /// <see cref="KeptLoads"/> loads kept alive afterwards; null without python3 + NumPy.
    /// </summary>
    public static (TimingStats Repeated, double KeptMs)? TimePython(string path, int runs)
    {
        if (!File.Exists(PythonExe))
            return null;
        var psi = new ProcessStartInfo(PythonExe) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PythonTimer);
        psi.ArgumentList.Add(path);
        psi.ArgumentList.Add(runs.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(KeptLoads.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return null; // no NumPy (or no python): the benchmark reports our side only
        var ms = stdout.Result.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return (new TimingStats(ms[0], ms[1], ms[2], runs), ms[3]);
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
        kept, kept_times = [], []
        for _ in range(int(sys.argv[3])):
            t = time.perf_counter(); kept.append(load()); kept_times.append((time.perf_counter() - t) * 1000)
        print(statistics.median(times), min(times), max(times), statistics.median(kept_times))
        """;
}

/// <summary>
/// What <see cref="LoadBenchmark"/> measured; <see cref="Python"/> is null without NumPy. Both sides print min/median/max:
/// on a shared machine one side's median can land in a load spike the other missed, and the ratio of the minima
/// (<c>ratio_min</c>, each side's least disturbed run) is the steadier comparison. <see cref="Kept"/>: loads whose
/// results stay alive (<see cref="LoadBenchmark.KeptLoads"/>), the case a training run is in.
/// </summary>
public sealed record LoadBenchResult(int Stays, double FileMb, TimingStats Ours, TimingStats Kept, (TimingStats Repeated, double KeptMs)? Python)
{
    public double? Ratio => Python is { } p ? Ours.MedianMs / p.Repeated.MedianMs : null;
    public double? RatioMin => Python is { } p ? Ours.MinMs / p.Repeated.MinMs : null;
    public double? KeptRatio => Python is { } p ? Kept.MedianMs / p.KeptMs : null;

    public BenchSummary Summary()
    {
        var s = new BenchSummary("load").Add("stays", Stays).Add("file_mb", FileMb, 1)
            .Add("ms", Ours.MedianMs, 1).Add("min_ms", Ours.MinMs, 1).Add("max_ms", Ours.MaxMs, 1).Add("kept_ms", Kept.MedianMs, 1)
            .Add("gc_gen0size", ManagedHeapSettings.Gen0SizeSetting).Add("gc_background", ManagedHeapSettings.BackgroundGc ? 1L : 0L)
            .Add("gc_gen0_cap_mb", (ManagedHeapSettings.Gen0MaxBudgetBytes ?? 0) >> 20).Add("gc_region", AllocationBurst.OptedIn ? 1L : 0L);
        if (Python is { } p)
            s.Add("python_ms", p.Repeated.MedianMs, 1).Add("python_min_ms", p.Repeated.MinMs, 1).Add("python_max_ms", p.Repeated.MaxMs, 1)
                .Add("python_kept_ms", p.KeptMs, 1)
                .Add("ratio", Ratio!.Value, 3).Add("ratio_min", RatioMin!.Value, 3).Add("kept_ratio", KeptRatio!.Value, 3);
        return s;
    }
}
