using LLM4EHR.Training;

namespace LLM4EHR.Tests.Training;

public class LinearWarmupScheduleTests
{
    [Fact]
    public void Warmup_is_ceil_of_ratio_and_rates_follow_the_reference_lambda()
    {
        var s = LinearWarmupSchedule.FromRatio(1e-3, totalSteps: 10, warmupRatio: 0.15);
        Assert.Equal(2, s.WarmupSteps);                          // ceil(1.5)
        double[] expected = [0, 0.5, 1, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0];
        for (int k = 0; k < 10; k++)
            Assert.Equal(1e-3 * expected[k], s.LearningRateAt(k), 15);
        Assert.Equal(0, s.LearningRateAt(10));
    }

    [Fact]
    public void Without_warmup_the_first_step_runs_at_the_peak()
    {
        var s = LinearWarmupSchedule.FromRatio(2e-5, totalSteps: 4, warmupRatio: 0);
        Assert.Equal(0, s.WarmupSteps);
        double[] expected = [2e-5, 1.5e-5, 1e-5, 0.5e-5];
        for (int k = 0; k < 4; k++)
            Assert.Equal(expected[k], s.LearningRateAt(k), 1e-18);
    }
}
