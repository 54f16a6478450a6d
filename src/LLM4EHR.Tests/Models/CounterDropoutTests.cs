using LLM4EHR.Models;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

[Collection(GlobalRngCollection.Name)]
public class CounterDropoutTests
{
    private static double Fraction(Tensor boolMask) => boolMask.to_type(ScalarType.Float64).mean().item<double>();

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Keep_mask_is_zero_or_one_and_keeps_a_fraction_one_minus_p(double p)
    {
        manual_seed(1);
        using var like = empty(1000, 1000);
        using var mask = CounterDropout.Keep(like, p);
        Assert.Equal(like.shape, mask.shape);
        Assert.Equal(ScalarType.Float32, mask.dtype);
        using var zero = mask.eq(0);
        using var one = mask.eq(1);
        Assert.True(zero.logical_or(one).all().item<bool>(), "every value is 0 or 1");
        double sd = Math.Sqrt(p * (1 - p) / 1e6);
        Assert.InRange(Fraction(zero), p - 5 * sd, p + 5 * sd);
    }

    [Fact]
    public void Neighbours_rows_and_work_chunks_are_independent()
    {
        // A weak hash shows up as correlation between nearby counters, between rows (stride) or between the
        // parallel work items (1 << 16 elements apart): both-dropped rates must match p² at every distance.
        const double p = 0.5;
        manual_seed(2);
        using var like = empty(4, 1 << 18);
        using var dropped = CounterDropout.Keep(like, p).eq(0).flatten();
        long n = dropped.shape[0];
        foreach (long lag in new long[] { 1, 2, 7, 8, 16, 1000, 1 << 16, 1 << 18 })
        {
            using var both = dropped.narrow(0, 0, n - lag).logical_and(dropped.narrow(0, lag, n - lag));
            // Overlapping pairs (i, i + lag, i + 2·lag) share an element: the variance is p²(1−p²) + 2p³(1−p) per pair.
            double expected = p * p, sd = Math.Sqrt((expected * (1 - expected) + 2 * p * p * p * (1 - p)) / (n - lag));
            Assert.InRange(Fraction(both), expected - 5 * sd, expected + 5 * sd);
        }
    }

    [Fact]
    public void Masks_replay_under_manual_seed_and_differ_between_draws()
    {
        using var like = empty(3, 70_001);
        manual_seed(11);
        using var first = CounterDropout.Keep(like, 0.3);
        using var second = CounterDropout.Keep(like, 0.3);
        manual_seed(11);
        using var replay = CounterDropout.Keep(like, 0.3);
        Assert.True(TensorAssert.Identical(first, replay), "same seed, same mask");
        Assert.False(TensorAssert.Identical(first, second), "each draw is a new mask");
    }

    [Fact]
    public void Element_i_does_not_depend_on_the_mask_size_vector_width_or_thread_split()
    {
        // One mask is a prefix of a longer one drawn with the same seed: the scalar tail, the vector loop and the
        // parallel chunks all compute the same function of the element index.
        foreach (long n in new long[] { 1, 7, 1001, (1 << 16) + 3, 3 * (1 << 16) + 5 })
        {
            manual_seed(5);
            using var longer = CounterDropout.Keep(empty(n + 37), 0.4);
            manual_seed(5);
            using var shorter = CounterDropout.Keep(empty(n), 0.4);
            Assert.True(TensorAssert.Identical(shorter, longer.narrow(0, 0, n)), $"n = {n}");
        }
    }

    [Fact]
    public void A_mask_filled_in_several_spans_equals_one_filled_at_once()
    {
        // Masks of 2^28 elements or more are filled a span at a time (TorchSharp's byte span stops at 2 GiB): each span
        // must continue the element numbering.
        long[] shape = [3, 100_003];
        manual_seed(9);
        using var whole = CounterDropout.KeepMask(shape, 0.5, ScalarType.Float32, keptValue: 1);
        manual_seed(9);
        using var spans = CounterDropout.KeepMask(shape, 0.5, ScalarType.Float32, keptValue: 1, spanElements: 70_001);
        Assert.True(TensorAssert.Identical(whole, spans));
    }

    [Fact]
    public void Apply_scales_the_kept_values_and_passes_gradients_through_the_same_mask()
    {
        const double p = 0.2;
        using var x = randn(64, 300).requires_grad_();
        using var y = CounterDropout.Apply(x, p, training: true);
        using var kept = y.ne(0);
        using var expected = x.detach() * kept * (1 / (1 - p));
        Assert.True(TensorAssert.MaxDiff(expected, y.detach()) < 1e-6, "kept values scaled by 1/(1-p)");
        Assert.InRange(1 - Fraction(kept), p - 0.02, p + 0.02);

        y.sum().backward();
        using var grad = kept.to_type(ScalarType.Float32) * (1 / (1 - p));
        Assert.True(TensorAssert.MaxDiff(grad, x.grad!) < 1e-6, "d(sum y)/dx is the scaled mask");
    }

    [Theory]
    [InlineData(false, 0.3)]
    [InlineData(true, 0.0)]
    public void Apply_is_the_identity_in_eval_mode_or_at_p_zero(bool training, double p)
    {
        using var x = randn(5, 9);
        using var y = CounterDropout.Apply(x, p, training);
        TensorAssert.Equal(x, y, "identity");
    }

    [Fact]
    public void Apply_at_p_one_zeroes_everything_as_F_dropout_and_p_outside_zero_one_is_refused()
    {
        using var x = randn(7, 11).requires_grad_();
        using var y = CounterDropout.Apply(x, 1.0, training: true);
        Assert.Equal(0, y.abs().sum().item<float>());
        using var keep = CounterDropout.Keep(x, 1.0);
        Assert.Equal(0, keep.abs().sum().item<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterDropout.Apply(x, 1.5, training: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterDropout.Keep(x, -0.1));
    }

    [Fact]
    public void Apply_in_float64_scales_by_the_exact_one_over_one_minus_p()
    {
        const double p = 0.3;
        using var x = ones(50, 50, dtype: ScalarType.Float64);
        using var y = CounterDropout.Apply(x, p, training: true);
        using var kept = y.masked_select(y.ne(0));
        Assert.True(kept.numel() > 0);
        Assert.True(kept.eq(1 / (1 - p)).all().item<bool>(), "kept values are exactly 1/(1-p) in float64");
    }

    [Fact]
    public void Apply_keeps_the_input_dtype()
    {
        using var x = ones(100, 100, dtype: ScalarType.BFloat16);
        using var y = CounterDropout.Apply(x, 0.5, training: true);
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        using var values = y.to_type(ScalarType.Float32);
        Assert.True(values.eq(0).logical_or(values.eq(2)).all().item<bool>(), "0 or 1/(1-p) = 2");
    }
}
