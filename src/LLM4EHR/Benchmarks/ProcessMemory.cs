using System.Globalization;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// This process's resident memory from <c>/proc/self/status</c> (Linux). VmHWM is the peak RSS since the process
/// started, so a peak can only be attributed to one workload if that workload runs alone in a fresh process.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set (VmHWM) in MiB, or null where /proc is not available.</summary>
    public static double? PeakRssMb() => ReadKb("VmHWM") / 1024.0;

    /// <summary>Current resident set (VmRSS) in MiB, or null where /proc is not available.</summary>
    public static double? CurrentRssMb() => ReadKb("VmRSS") / 1024.0;

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
