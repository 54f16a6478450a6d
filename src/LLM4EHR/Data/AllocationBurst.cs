using System.Runtime;

namespace LLM4EHR.Data;

/// <summary>
/// On request (<see cref="OptInVariable"/>=1), suspends garbage collection while a file's records are built
/// (<see cref="GC.TryStartNoGCRegion(long)"/>). Everything a load allocates survives until the records exist, so
/// each gen0/gen1 collection during the load would only copy the same strings and objects up a generation.
/// <para>Off by default, because a run keeps what it loads. The next collection after a region then finds the
/// whole load alive in gen0, and the next load of a run paid for that: measured with the bench file,
/// each of three loads kept alive took 357–417 ms with regions against 194–230 ms without (CPython 350–365 ms).
/// Regions win only where each load's result is dropped before the next one, e.g. a notebook that reloads a split:
/// 101–129 ms against 112–136 ms, or 67–69 ms against 127–134 ms with <c>DOTNET_GCgen0size=0x10000000</c>.</para>
/// Best effort: without room for the estimate, with another region already open, or when the load allocates
/// more than estimated, the runtime simply collects as usual.
/// The region is process-wide GC state, so only one load at a time holds one: a second concurrent load runs without
/// (and skips the gen0 collection, which would end the first load's region).
/// <para>The region is only as cheap as the GC's gen0 budget is large. .NET 10's regions GC satisfies it with freshly
/// committed memory and decommits that again afterwards when the budget is a few MB: ~100 MB of page faults per load
/// of the bench file (26k faults). The budget is capped at 6 MB while background GC is on, which is why the build
/// turns it off (<c>ConcurrentGarbageCollection</c> in Directory.Build.props: cap ~128 MB, memory mostly reused).
/// <c>DOTNET_GCgen0size=0x10000000</c> (256 MB; read only from the environment, no runtimeconfig knob) also raises
/// the floor. <c>dotnet run</c> of the CLI sets it (Properties/launchSettings.json); <c>bench load</c> prints both
/// settings.</para>
/// </summary>
internal readonly struct AllocationBurst : IDisposable
{
    /// <summary>A p2x load allocates ~1.6× the file size (doubles ≈ array bytes, UTF-16 notes ≈ 2× their UTF-8).</summary>
    public const double BytesPerFileByte = 2.0;

    /// <summary>Above this, a region would hold back too much memory from the rest of the process.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Environment variable that, set to 1, lets loads open regions.</summary>
    public const string OptInVariable = "LLM4EHR_GC_REGION";

    /// <summary>True when <see cref="OptInVariable"/> is 1 in this process's environment now.</summary>
    public static bool OptedIn => Environment.GetEnvironmentVariable(OptInVariable) == "1";

    /// <summary>1 while some load owns the region (from before its gen0 collection until its Dispose).</summary>
    private static int s_held;

    private readonly bool _started;

    private AllocationBurst(bool started) => _started = started;

    /// <summary>True when this burst opened the process's no-GC region (and so must end it).</summary>
    public bool Started => _started;

    public static AllocationBurst Begin(long fileBytes)
    {
        long bytes = (long)(fileBytes * BytesPerFileByte) + (16 << 20);
        if (bytes > MaxBytes || !OptedIn)
            return default;
        if (Interlocked.CompareExchange(ref s_held, 1, 0) != 0)
            return default; // another load's region is open: collecting now would end it
        // Reclaim gen0 first, so the burst reuses memory earlier garbage (e.g. a previous load) occupied instead of
        // faulting in fresh pages: measured ~1.5x faster on repeated loads. Data that is still alive would be
        // promoted by the next collection anyway, so this costs nothing extra then.
        bool started = false;
        try
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            started = GC.TryStartNoGCRegion(bytes);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // code outside the loader holds a region, or the runtime cannot reserve that much
        }
        finally
        {
            if (!started)
                Volatile.Write(ref s_held, 0); // on every path that opened nothing, whatever was thrown
        }
        return new AllocationBurst(started);
    }

    public void Dispose()
    {
        if (!_started)
            return;
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) // else the runtime already ended it (budget exceeded)
                GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // ended meanwhile (a GC was induced or the budget ran out): nothing to undo
        }
        finally
        {
            Volatile.Write(ref s_held, 0);
        }
    }
}
