using LLM4EHR.Runtime;
namespace LLM4EHR.Benchmarks;

/// <summary>
/// Peak resident memory (MiB) over a stretch of work in this process. Where the kernel allows it the high-water mark
/// is reset at the start and read at the end (exact); otherwise VmRSS is sampled every few milliseconds on a
/// background thread (can miss a short spike). Either way, start it right before the work and read it right after.
/// </summary>
public sealed class PeakRssMeter : IDisposable
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(5);
    private readonly Timer? _sampler;
    private readonly Lock _gate = new();
    private double _sampledPeakMb;

    private PeakRssMeter()
    {
        // Reset first, then read: the high-water mark is then at least every RSS read after the reset, so the peak can
        // never come out below the start when other threads free memory in between (a test saw that happen).
        Exact = ProcessMemory.TryResetPeak();
        StartMb = ProcessMemory.CurrentRssMb() ?? double.NaN;
        if (Exact)
            return;
        _sampledPeakMb = StartMb;
        _sampler = new Timer(_ => Sample(), null, SampleEvery, SampleEvery);
    }

    public static PeakRssMeter Start() => new();

    /// <summary>RSS when the meter started.</summary>
    public double StartMb { get; }

    /// <summary>True when the peak is the kernel's high-water mark, false when it is sampled.</summary>
    public bool Exact { get; }

    /// <summary>The highest RSS since the start (NaN where /proc is not available).</summary>
    public double PeakMb()
    {
        if (Exact)
            return ProcessMemory.PeakRssMb() ?? double.NaN;
        Sample();
        lock (_gate)
            return _sampledPeakMb;
    }

    private void Sample()
    {
        double now = ProcessMemory.CurrentRssMb() ?? double.NaN;
        lock (_gate)
            _sampledPeakMb = Math.Max(_sampledPeakMb, now);
    }

    public void Dispose() => _sampler?.Dispose();
}
