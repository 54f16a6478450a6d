using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// A seed drawn from torch's default CPU generator (non-negative, 63 bits): <c>torch.manual_seed</c> and a replayed
/// RNG state (activation checkpointing's recompute) draw the same one, so whatever it seeds stays deterministic.
/// </summary>
internal static class TorchSeed
{
    public static long Draw()
    {
        using var draw = randint(long.MaxValue, [1], dtype: ScalarType.Int64);
        return draw.item<long>();
    }
}
