using System.Runtime.InteropServices;

namespace LLM4EHR.Runtime;

/// <summary>
/// glibc malloc policy for libtorch's CPU tensors, which it allocates with malloc: blocks above the mmap threshold are
/// mapped afresh and unmapped on free; the rest come from heap arenas whose free top is trimmed back to the kernel
/// above the trim threshold. By default glibc adapts both (mmap threshold up to 32 MiB after each such free, trim at
/// twice that). A no-op off glibc.
/// </summary>
public static partial class GlibcMalloc
{
    private const int TrimThreshold = -1, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD in malloc.h

    /// <summary>Environment variable that, set to 0, leaves glibc's malloc settings as they are (<see cref="KeepMidSizeBlocks"/>).</summary>
    public const string TuningVariable = "LLM4EHR_MALLOC_TUNING";

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Releases free memory at the top and inside every malloc arena (<c>malloc_trim(0)</c>); false off glibc.</summary>
    public static bool Trim() => Call(() => malloc_trim(0) >= 0);

    /// <summary>
    /// Keeps freed tensors of up to 64 MiB in the heap for reuse: mmap threshold 64 MiB, trim threshold 256 MiB.
    /// With glibc's adaptive defaults a training step that allocates and frees the same mid-size temporaries each time
    /// (attention scores, activations) keeps faulting their pages in again: measured 25–500 ms instead of 14 ms for a
    /// [32, 512, 512] attention's fwd+bwd. Both values are set together: a fixed mmap threshold with the default trim
    /// threshold made the IHM demo 40% slower. Costs up to 256 MiB of freed memory kept resident (counted in RSS;
    /// <see cref="Trim"/> returns it). Applied when the library loads (<see cref="NativeStartup"/>) unless
    /// <see cref="TuningVariable"/>=0. False off glibc or when opted out.
    /// </summary>
    public static bool KeepMidSizeBlocks() =>
        Environment.GetEnvironmentVariable(TuningVariable) != "0"
        && Call(() => mallopt(TrimThreshold, 256 << 20) == 1 && mallopt(MmapThreshold, 64 << 20) == 1);

    /// <summary>
    /// Fixes glibc's mmap and trim thresholds at 128 KiB (which also stops them from adapting): every larger block is a
    /// mapping of its own, returned to the kernel the moment it is freed, and heap slack is trimmed, so RSS follows the
    /// live tensors. Costs a page fault per fresh page. Process-wide and permanent: for a process that measures memory.
    /// False off glibc.
    /// </summary>
    public static bool ReleaseLargeBlocksOnFree() =>
        Call(() => mallopt(MmapThreshold, 128 << 10) == 1 && mallopt(TrimThreshold, 128 << 10) == 1);

    private static bool Call(Func<bool> call)
    {
        if (_unavailable)
            return false;
        try
        {
            return call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // e.g. musl: no malloc_trim / mallopt
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
