using LLM4EHR.Text;

namespace LLM4EHR.Tests.Text;

public class BatchPlannerTests
{
    // Lengths spread like real stays: many short, some near the cap.
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 1000).Select(i => 1 + (int)(8000 * Math.Pow(new Random(i).NextDouble(), 2)))];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void Every_stay_appears_exactly_once(bool shuffle, bool bucket)
    {
        var plan = BatchPlanner.Plan(Lengths, new BatchingSettings { BatchSize = 8, Shuffle = shuffle, BucketByLength = bucket }, epoch: 0);
        Assert.Equal(Enumerable.Range(0, Lengths.Length), plan.SelectMany(b => b).Order());
        Assert.Equal(125, plan.Count);
        Assert.All(plan, b => Assert.Equal(8, b.Length));
    }

    [Fact]
    public void Without_shuffle_or_buckets_batches_follow_input_order()
    {
        var plan = BatchPlanner.Plan([5, 5, 5, 5, 5], new BatchingSettings { BatchSize = 2, Shuffle = false }, epoch: 3);
        Assert.Equal([[0, 1], [2, 3], [4]], plan);
        var dropped = BatchPlanner.Plan([5, 5, 5, 5, 5], new BatchingSettings { BatchSize = 2, Shuffle = false, DropLast = true }, 0);
        Assert.Equal([[0, 1], [2, 3]], dropped);
    }

    [Fact]
    public void Same_seed_and_epoch_repeat_and_epochs_differ()
    {
        var settings = new BatchingSettings { BatchSize = 4, BucketByLength = true, Seed = 11 };
        var a = BatchPlanner.Plan(Lengths, settings, epoch: 1);
        var b = BatchPlanner.Plan(Lengths, settings, epoch: 1);
        var c = BatchPlanner.Plan(Lengths, settings, epoch: 2);
        var d = BatchPlanner.Plan(Lengths, settings with { Seed = 12 }, epoch: 1);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
    }

    [Fact]
    public void Bucketing_cuts_padding()
    {
        var plain = new BatchingSettings { BatchSize = 8 };
        var bucketed = plain with { BucketByLength = true };
        long before = BatchPlanner.PaddingTokens(Lengths, BatchPlanner.Plan(Lengths, plain, 0));
        long after = BatchPlanner.PaddingTokens(Lengths, BatchPlanner.Plan(Lengths, bucketed, 0));
        Assert.True(after * 4 < before, $"padding {after} with buckets vs {before} without");
    }

    [Fact]
    public void Bucketed_batches_come_in_shuffled_order()
    {
        var plan = BatchPlanner.Plan(Lengths, new BatchingSettings { BatchSize = 8, BucketByLength = true }, 0);
        var longest = plan.Select(b => b.Max(i => Lengths[i])).ToArray();
        // Sorted windows would make the per-batch maximum fall monotonically inside each 50-batch window.
        Assert.NotEqual(longest.Take(50).OrderDescending(), longest.Take(50));
    }

    [Fact]
    public void Batches_collate_every_stay_of_a_split_once()
    {
        var stays = Enumerable.Range(0, 7).Select(i => new TokenizedStay($"s{i}", [.. Enumerable.Range(1, 1 + i * 3)], [i % 2])).ToArray();
        var split = new TokenizedSplit(stays, new TokenizationSummary { Stays = 7, KeptStays = 7 });
        var names = new List<string>();
        long real = 0;
        foreach (var batch in BatchPlanner.Batches(split, new BatchingSettings { BatchSize = 3, BucketByLength = true }, 0, new TokenCollator(0)))
        {
            using (batch)
            {
                names.AddRange(batch.Names);
                real += batch.RealTokens;
                Assert.Equal(batch.Names.Max(n => stays.Single(s => s.Name == n).TokenIds.Length), batch.SequenceLength);
            }
        }
        Assert.Equal(stays.Select(s => s.Name).Order(), names.Order());
        Assert.Equal(stays.Sum(s => s.TokenIds.Length), real);
    }

    // The trainer's shape: shuffled, bucketed or not, a split that does not fill the last batch.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Training_plans_cover_an_uneven_split_once_and_depend_only_on_seed_and_epoch(bool bucket)
    {
        int[] lengths = Lengths[..203];
        var settings = new BatchingSettings { BatchSize = 8, BucketByLength = bucket, Seed = 5 };
        var e0 = BatchPlanner.Plan(lengths, settings, epoch: 0);
        Assert.Equal(Enumerable.Range(0, lengths.Length), e0.SelectMany(b => b).Order());
        Assert.Equal(26, e0.Count);
        Assert.Equal(e0, BatchPlanner.Plan(lengths, settings with { }, epoch: 0));
        Assert.NotEqual(e0, BatchPlanner.Plan(lengths, settings, epoch: 1));
        Assert.NotEqual(e0, BatchPlanner.Plan(lengths, settings with { Seed = 6 }, epoch: 0));
    }

    [Fact]
    public void Bucketing_cuts_padding_of_an_uneven_training_split()
    {
        int[] lengths = Lengths[..203];
        var plain = new BatchingSettings { BatchSize = 8, Seed = 5 };
        long before = BatchPlanner.PaddingTokens(lengths, BatchPlanner.Plan(lengths, plain, 0));
        long after = BatchPlanner.PaddingTokens(lengths, BatchPlanner.Plan(lengths, plain with { BucketByLength = true }, 0));
        Assert.True(after < before / 3, $"padding {after} with buckets vs {before} without");
    }

    [Fact]
    public void Evaluation_batches_go_longest_first_stably_and_cover_every_stay()
    {
        var plan = BatchPlanner.PlanEvaluation(Lengths, 16);
        var flat = plan.SelectMany(b => b).ToArray();
        Assert.Equal(Enumerable.Range(0, Lengths.Length), flat.Order());
        Assert.All(plan.SkipLast(1), b => Assert.Equal(16, b.Length));
        Assert.True(flat.Select(i => Lengths[i]).Zip(flat.Skip(1).Select(i => Lengths[i])).All(p => p.First >= p.Second));
        // Equal lengths keep input order; the plan does not depend on any seed.
        Assert.Equal([[1, 3], [0, 2], [4]], BatchPlanner.PlanEvaluation([2, 7, 2, 7, 1], 2));
        Assert.Equal(plan, BatchPlanner.PlanEvaluation(Lengths, 16));
    }

    [Fact]
    public void Bad_batch_size_names_the_key()
    {
        var e = Assert.Throws<BadInputException>(() => BatchPlanner.Plan(Lengths, new BatchingSettings { BatchSize = 0 }, 0));
        Assert.Contains("batch_size", e.Message);
        var eval = Assert.Throws<BadInputException>(() => BatchPlanner.PlanEvaluation(Lengths, 0));
        Assert.Contains("batch_size", eval.Message);
    }
}
