using LLM4EHR.Training;

namespace LLM4EHR.Tests.Training;

public class BatchPlannerTests
{
    private static readonly LLM4EHR.Text.TokenizedStay[] Stays = SyntheticStays.Make(203, 1, seed: 3, "s");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_stay_once_per_epoch_and_the_plan_is_a_function_of_seed_and_epoch(bool bucket)
    {
        var planner = new BatchPlanner(8, bucket, seed: 5);
        var e0 = planner.PlanEpoch(Stays, 0);
        Assert.Equal(Enumerable.Range(0, Stays.Length), e0.SelectMany(b => b).Order());
        Assert.Equal(26, e0.Count);
        Assert.Equal(e0, new BatchPlanner(8, bucket, seed: 5).PlanEpoch(Stays, 0));
        Assert.NotEqual(e0, planner.PlanEpoch(Stays, 1));
        Assert.NotEqual(e0, new BatchPlanner(8, bucket, seed: 6).PlanEpoch(Stays, 0));
    }

    [Fact]
    public void Length_bucketing_cuts_padding()
    {
        long Padded(IReadOnlyList<int[]> plan) => plan.Sum(b => (long)b.Length * b.Max(i => Stays[i].TokenIds.Length));
        long bucketed = Padded(new BatchPlanner(8, true, 5).PlanEpoch(Stays, 0));
        long plain = Padded(new BatchPlanner(8, false, 5).PlanEpoch(Stays, 0));
        long real = Stays.Sum(s => (long)s.TokenIds.Length);
        Assert.True(bucketed - real < (plain - real) / 3, $"bucketed {bucketed}, plain {plain}, real {real}");
    }

    [Fact]
    public void Evaluation_batches_go_longest_first_and_cover_every_stay()
    {
        var plan = BatchPlanner.PlanEvaluation(Stays, 16);
        var flat = plan.SelectMany(b => b).ToArray();
        Assert.Equal(Enumerable.Range(0, Stays.Length), flat.Order());
        Assert.True(flat.Select(i => Stays[i].TokenIds.Length).Zip(flat.Skip(1).Select(i => Stays[i].TokenIds.Length)).All(p => p.First >= p.Second));
    }
}
