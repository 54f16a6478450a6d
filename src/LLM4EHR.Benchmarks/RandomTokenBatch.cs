using LLM4EHR.Models;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>A batch of random token ids with every token real and random 0/1 labels, for memory and speed benchmarks.</summary>
internal static class RandomTokenBatch
{
    public static StayBatch Create(int vocab, int batch, int tokens, int labels, long seed)
    {
        using var gen = new Generator((ulong)seed);
        var ids = randint(0, vocab, [batch, tokens], generator: gen);                            // [B, T]
        var mask = ones(batch, tokens, dtype: ScalarType.Int64);                                  // [B, T]
        var y = randint(0, 2, [batch, labels], generator: gen).to_type(ScalarType.Float32);      // [B, K]
        return new StayBatch(ids, mask, TokenCollator.PositionIdsFromMask(mask), y, Enumerable.Repeat("random", batch).ToList());
    }
}
