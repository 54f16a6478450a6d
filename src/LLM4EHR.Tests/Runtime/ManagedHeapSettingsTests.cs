using System.Text.Json;
using LLM4EHR.Runtime;

namespace LLM4EHR.Tests.Runtime;

/// <summary>
/// The repo's builds run without background GC (Directory.Build.props), which lifts the GC's 6 MB gen0 budget cap
/// that made every p2x load fault in fresh memory; the setting must reach the runtimeconfig of each app.
/// </summary>
public sealed class ManagedHeapSettingsTests
{
    [Fact]
    public void This_test_host_runs_without_background_gc_and_with_a_gen0_cap_above_6_mb()
    {
        Assert.False(ManagedHeapSettings.BackgroundGc);
        Assert.True(ManagedHeapSettings.Gen0MaxBudgetBytes > 6L << 20, $"gen0 cap {ManagedHeapSettings.Gen0MaxBudgetBytes} bytes");
        Assert.Contains("background off", ManagedHeapSettings.Describe());
    }

    [Fact]
    public void The_cli_runtimeconfig_turns_background_gc_off()
    {
        // The CLI is built beside the tests (a project reference); its runtimeconfig is what an installed llm4ehr reads.
        string config = Path.Combine(AppContext.BaseDirectory, "LLM4EHR.Cli.runtimeconfig.json");
        Assert.True(File.Exists(config), $"{config} not found");
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
