using System.Globalization;
using System.Runtime;

namespace LLM4EHR.Runtime;

/// <summary>
/// The .NET GC settings this process started with, as far as they decide how fast a p2x load is (see
/// <see cref="Data.P2xDataset"/>'s allocation burst): background GC caps the gen0 budget at 6 MB, and
/// <c>DOTNET_GCgen0size</c> raises its floor. For <c>llm4ehr env</c> and <c>bench load</c>.
/// </summary>
public static class ManagedHeapSettings
{
    /// <summary>True when the background (concurrent) collector is on (runtimeconfig <c>System.GC.Concurrent</c>;
    /// the repo's builds turn it off).</summary>
    public static bool BackgroundGc => GC.GetConfigurationVariables().TryGetValue("ConcurrentGC", out var v) && v is true;

    /// <summary>The GC's gen0 budget cap in bytes (its <c>GCGen0MaxBudget</c>), or null when the runtime does not report it.</summary>
    public static long? Gen0MaxBudgetBytes =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var v) ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;

    /// <summary><c>DOTNET_GCgen0size</c> (or <c>COMPlus_GCgen0size</c>) as set in the environment, else <c>default</c>.</summary>
    public static string Gen0SizeSetting =>
        (Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size")) is { Length: > 0 } v
            && !v.Contains(' ') && !v.Contains('=') ? v : "default";

    /// <summary>One line, e.g. <c>workstation, background off, gen0 cap 128 MB, GCgen0size default</c>.</summary>
    public static string Describe() =>
        $"{(GCSettings.IsServerGC ? "server" : "workstation")}, background {(BackgroundGc ? "on" : "off")}, " +
        $"gen0 cap {(Gen0MaxBudgetBytes is { } b ? $"{b >> 20} MB" : "?")}, GCgen0size {Gen0SizeSetting}";
}
