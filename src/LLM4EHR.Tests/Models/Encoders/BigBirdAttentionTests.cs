using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.BigBird;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>BigBird's block-sparse attention in training mode, which the (eval-mode) parity cases do not reach.</summary>
public class BigBirdAttentionTests
{
    private static EncoderConfig Config() => EncoderConfig.Parse("""
        {"model_type":"big_bird","hidden_size":16,"num_attention_heads":2,"num_hidden_layers":1,"intermediate_size":32,
         "vocab_size":20,"max_position_embeddings":64,"block_size":4,"num_random_blocks":2,"attention_probs_dropout_prob":0.0}
        """);

    [Fact]
    public void Training_draws_legal_distinct_random_blocks_and_eval_uses_block_zero()
    {
        using var scope = NewDisposeScope();
        using var attention = new BigBirdSelfAttention(Config(), layerIndex: 3, ScalarType.Float32);
        const long n = 12, m = n - 2, r = 2;
        attention.train();
        var table = attention.RandomBlocks(n, CPU).view(2, m, r);                 // [A, M, R]
        Assert.True(TensorAssert.Identical(table, attention.RandomBlocks(n, CPU).view(2, m, r))); // seeded by the layer
        for (int h = 0; h < 2; h++)
            for (long i = 1; i <= m; i++)
            {
                var picked = Enumerable.Range(0, (int)r).Select(j => table[h, i - 1, j].item<long>()).ToList();
                Assert.Equal(picked.Count, picked.Distinct().Count());
                Assert.All(picked, j =>
                {
                    Assert.InRange(j, 1, n - 2);                                   // never a global block
                    Assert.True(Math.Abs(j - i) > 1, $"block {i} drew {j} from its window");
                    Assert.False(i == 1 && j == n - 2);
                    Assert.False(i == n - 2 && j == 1);
                });
            }
        attention.eval();
        Assert.Equal(0, attention.RandomBlocks(n, CPU).abs().sum().item<long>());

        // The random blocks change the output (dropout is 0 here), gradients flow through the sparse path.
        var x = randn(1, 48, 16, requires_grad: true);
        var masks = new EncoderMasks(ones(1, 48, ScalarType.Bool), null);
        var evalOut = attention.Forward(x, masks);
        attention.train();
        var trainOut = attention.Forward(x, masks);
        Assert.True(TensorAssert.MaxDiff(evalOut, trainOut) > 1e-4);
        trainOut.sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }
}
