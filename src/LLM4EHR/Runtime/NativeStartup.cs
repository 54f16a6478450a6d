using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LLM4EHR.Runtime;

/// <summary>
/// Process-wide native settings that must precede libtorch's first kernel, applied when this assembly loads, so the
/// CLI, tests, notebooks (<c>#r</c>) and file-based apps all get them without a call of their own: the passive OpenMP
/// wait policy (read once when libgomp loads), glibc malloc keeping mid-size tensors for reuse
/// (<see cref="GlibcMalloc.KeepMidSizeBlocks"/>), then MKL's optimized path on AMD (<see cref="MklIntelPath"/>).
/// </summary>
internal static class NativeStartup
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before any caller's first tensor op; see the summary.")]
    internal static void Initialize()
    {
        OpenMpWaitPolicy.PreferPassive();
        GlibcMalloc.KeepMidSizeBlocks();
        try
        {
            MklIntelPath.Apply();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            // No loadable libtorch here: the first tensor op reports that with TorchSharp's own message.
        }
    }
}
