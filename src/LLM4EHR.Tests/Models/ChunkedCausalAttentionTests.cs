using LLM4EHR.Models.Llama;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LLM4EHR.Tests.Models;

/// <summary>The chunked CPU attention gives SDPA's outputs and gradients, causal and padded, with uneven chunks.</summary>
public sealed class ChunkedCausalAttentionTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(false, 64L)]   // chunks of 64, 64 and 22 query rows
    [InlineData(true, 64L)]
    [InlineData(false, 150L)]  // one chunk
    public void Outputs_and_gradients_match_sdpa(bool padded, long chunkRows)
    {
        using var scope = NewDisposeScope();
        var gen = new TorchSharp.torch.Generator(7);
        Tensor Input() => randn([2, 4, 150, 16], generator: gen).requires_grad_();
        var (q, k, v) = (Input(), Input(), Input());
        var upstream = randn([2, 4, 150, 16], generator: gen);
        Tensor? mask = null;
        if (padded)
        {
            var real = ones(2, 150);
            real[0, TensorIndex.Slice(0, 40)] = zeros(40); // stay 0 left-padded by 40 tokens
            mask = LlamaAttentionMask.Build(real);
        }

        var expected = mask is null ? F.scaled_dot_product_attention(q, k, v, is_casual: true) : F.scaled_dot_product_attention(q, k, v, mask);
        var expectedGrads = autograd.grad([expected], [q, k, v], [upstream]);
        var actual = ChunkedCausalAttention.Apply(q, k, v, mask, chunkRows);
        var actualGrads = autograd.grad([actual], [q, k, v], [upstream]);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(TensorAssert.MaxDiff(expected, actual) < Tolerance, $"output differs by {TensorAssert.MaxDiff(expected, actual)}");
        for (int i = 0; i < 3; i++)
            Assert.True(TensorAssert.MaxDiff(expectedGrads[i], actualGrads[i]) < Tolerance, $"grad {"qkv"[i]} differs by {TensorAssert.MaxDiff(expectedGrads[i], actualGrads[i])}");
    }

    [Fact]
    public void Only_small_float32_cpu_score_matrices_take_the_chunked_path()
    {
        using var demo = empty(8, 4, 512, 16);                  // 32 MiB of scores
        using var longNotes = empty(1, 32, 4096, 128);          // 2 GiB: flash keeps no scores
        using var bf16 = empty([2, 8, 512, 32], ScalarType.BFloat16);
        Assert.True(ChunkedCausalAttention.Applies(demo, null));
        Assert.False(ChunkedCausalAttention.Applies(longNotes, null));
        Assert.False(ChunkedCausalAttention.Applies(bf16, null));
        Assert.False(ChunkedCausalAttention.Applies(demo, "sdpa"));
        Assert.True(ChunkedCausalAttention.Applies(longNotes, "chunked"));
        Assert.False(ChunkedCausalAttention.Applies(bf16, "chunked")); // f32 only
    }

    [Theory]
    [InlineData(8, 4, 512, 128)]
    [InlineData(2, 8, 512, 256)]
    [InlineData(16, 4, 512, 64)]   // at least 64 rows
    [InlineData(1, 1, 30, 30)]     // never more than T
    public void Chunks_hold_about_8_mib_of_scores(long b, long a, long t, long rows) =>
        Assert.Equal(rows, ChunkedCausalAttention.ChunkRows(b, a, t));

    [Fact]
    public void Saved_bytes_count_each_chunks_probabilities_and_nothing_where_flash_runs()
    {
        // [2, 8, 512]: chunks of 256 rows against 256 and 512 keys.
        long cells = 256 * 256 + 256 * 512;
        Assert.Equal(2 * cells * 8 * 4, ChunkedCausalAttention.SavedBytes(2, 8, 512));
        Assert.Equal(0, ChunkedCausalAttention.SavedBytes(1, 32, 4096));
    }
}
