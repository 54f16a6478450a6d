using System.Runtime.InteropServices;

namespace LLM4EHR.Runtime;

/// <summary>
/// libtorch's CPU kernels run on GNU OpenMP, whose idle threads spin by default. On a machine shared with other
/// processes (or with more busy threads than cores) a spinning worker steals the core the next kernel needs and
/// every one of the hundreds of small parallel regions in a training step waits at its barrier: measured on the
/// shared 2-core build box, the bench train step ran at mfu 0.27–0.41 spinning and 0.72–0.75 passive.
/// libgomp reads <c>OMP_WAIT_POLICY</c> once, when it is loaded, so this must run before the first TorchSharp call.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the native environment unless the user set a policy. Returns the
    /// policy in effect ("PASSIVE", or the user's value); a no-op returning null off Linux.
    /// </summary>
    public static string? PreferPassive()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        string? existing = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(existing))
            return existing;
        // Environment.SetEnvironmentVariable only changes .NET's copy on Unix; libgomp reads the C environment.
        setenv(Variable, "PASSIVE", 0);
        Environment.SetEnvironmentVariable(Variable, "PASSIVE");
        return "PASSIVE";
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
