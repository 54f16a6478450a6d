using System.Runtime;
using LLM4EHR.Data;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Data;

[Collection(GcRegionCollection.Name)]
public sealed class AllocationBurstTests
{
    private const long SmallFile = 1 << 20; // asks for a region of a few tens of MiB: always available

    [Fact]
    public void A_second_concurrent_burst_leaves_the_first_ones_region_open()
    {
        using var optIn = new EnvironmentOverride(AllocationBurst.OptInVariable, "1");
        SecondBurstRunsWithout();
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
    public void Without_the_environment_variable_no_region_is_opened()
    {
        using var unset = new EnvironmentOverride(AllocationBurst.OptInVariable, null);
        using var burst = AllocationBurst.Begin(SmallFile);
        Assert.False(burst.Started);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
