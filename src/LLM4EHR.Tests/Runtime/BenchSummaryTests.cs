using LLM4EHR.Benchmarks;

namespace LLM4EHR.Tests.Runtime;

public class BenchSummaryTests
{
    [Fact]
    public void Summary_line_has_the_shared_format()
    {
        var line = new BenchSummary("load").Add("stays", 2000).Add("ms", 123.45678, 2).Add("ratio", 0.5).ToString();
        Assert.Equal("bench load: stays=2000 ms=123.46 ratio=0.5", line);
    }

    [Fact]
    public void Timer_reports_ordered_stats_over_the_requested_runs()
    {
        int calls = 0;
        var t = BenchTimer.Measure(() => { calls++; Thread.Sleep(calls % 2); }, warmups: 2, runs: 5);
        Assert.Equal(7, calls);
        Assert.Equal(5, t.Runs);
        Assert.True(t.MinMs <= t.MedianMs && t.MedianMs <= t.MaxMs);
    }
}
