using System.Runtime.InteropServices;

namespace LLM4EHR.Runtime;

/// <summary>
/// Hands freed heap memory back to the kernel. libtorch allocates CPU tensors with glibc's malloc: blocks above the
/// mmap threshold are unmapped on free, but glibc raises that threshold (up to 32 MiB) after each such free, so a
/// stream of mid-sized temporaries — a model loaded tensor by tensor, a training step — lands in the heap arenas,
/// and their free space stays resident (counted in RSS) until something trims it. A no-op off glibc.
/// </summary>
public static partial class GlibcMalloc
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Releases free memory at the top and inside every malloc arena (<c>malloc_trim(0)</c>); false off glibc.</summary>
    public static bool Trim()
    {
        if (_unavailable)
            return false;
        try
        {
            malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // e.g. musl: no malloc_trim
            return false;
        }
    }

    /// <summary>
    /// Fixes glibc's mmap threshold at 128 KiB (which also stops it from rising): every larger block is a mapping of
    /// its own, returned to the kernel the moment it is freed, so RSS follows the live tensors instead of the heap's
    /// slack. Costs a page fault per fresh page. Process-wide and permanent: for a process that measures memory.
    /// False off glibc.
    /// </summary>
    public static bool ReleaseLargeBlocksOnFree()
    {
        const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h
        if (_unavailable)
            return false;
        try
        {
            return mallopt(MmapThreshold, 128 << 10) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
