using System.Globalization;

namespace LLM4EHR.Runtime;

/// <summary>
/// This process's resident memory from <c>/proc/self/status</c> (Linux). VmHWM is the peak RSS since the process
/// started or since <see cref="TryResetPeak"/>, so a peak can be attributed to one workload when the mark is reset
/// right before it (or the workload runs alone in a fresh process).
/// </summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set (VmHWM) in MiB, or null where /proc is not available.</summary>
    public static double? PeakRssMb() => ReadKb("VmHWM") / 1024.0;

    /// <summary>Current resident set (VmRSS) in MiB, or null where /proc is not available.</summary>
    public static double? CurrentRssMb() => ReadKb("VmRSS") / 1024.0;

    /// <summary>
    /// Resets VmHWM to the current RSS (<c>echo 5 &gt; /proc/self/clear_refs</c>, Linux 4.0+). False where the kernel
    /// or the sandbox does not allow it: then a peak has to be sampled.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double? ReadKb(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var parts = line[(key.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return double.Parse(parts[0], CultureInfo.InvariantCulture); // "123456 kB"
        }
        return null;
    }
}
