using System.Runtime;
using LLM4EHR.Data;

namespace LLM4EHR.Tests.Data;

[Collection(GcRegionCollection.Name)]
public sealed class AllocationBurstTests
{
    private const long SmallFile = 1 << 20; // asks for a region of a few tens of MiB: always available

    [Fact]
    public void A_second_concurrent_burst_leaves_the_first_ones_region_open() => WithOptIn("1", SecondBurstRunsWithout);

    // Sets the opt-in variable for the body and restores what the environment had (a user may have set it).
    private static void WithOptIn(string? value, Action body)
    {
        string? before = Environment.GetEnvironmentVariable(AllocationBurst.OptInVariable);
        Environment.SetEnvironmentVariable(AllocationBurst.OptInVariable, value);
        try
        {
            body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(AllocationBurst.OptInVariable, before);
        }
    }

    private static void SecondBurstRunsWithout()
    {
        var first = AllocationBurst.Begin(SmallFile);
        try
        {
            Assert.True(first.Started);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

            // Without the one-region rule the second burst's gen0 collection ends the first region and its Dispose
            // then ends the one it opened instead, leaving the first load collecting as usual.
            using (var second = AllocationBurst.Begin(SmallFile))
                Assert.False(second.Started);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            first.Dispose();
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        using var next = AllocationBurst.Begin(SmallFile); // released: the next load gets the region again
        Assert.True(next.Started);
    }

    [Fact]
    public void Without_the_environment_variable_no_region_is_opened() => WithOptIn(null, () =>
    {
        using var burst = AllocationBurst.Begin(SmallFile);
        Assert.False(burst.Started);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    });
}
