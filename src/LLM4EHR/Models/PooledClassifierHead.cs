using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models;

/// <summary>
/// Sequence classifier head: masked mean of the backbone's last hidden state over real tokens, then a linear map
/// to K logits (1 for IHM, 25 for Pheno). Pooling and head run in float32 whatever the backbone dtype, so a bf16
/// backbone does not lose precision summing thousands of tokens.
/// </summary>
public sealed class PooledClassifierHead : Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>weight [K, H] and bias [K] start U(±1/√H) as nn.Linear does, from a seeded generator.</summary>
    public PooledClassifierHead(long hiddenSize, int labelCount, long seed = 42) : base(nameof(PooledClassifierHead))
    {
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize));
        if (labelCount < 1) throw new ArgumentOutOfRangeException(nameof(labelCount));
        HiddenSize = hiddenSize;
        LabelCount = labelCount;
        using var generator = new Generator((ulong)seed, CPU);
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        using (no_grad())
        {
            weight = new Parameter(rand([labelCount, hiddenSize], generator: generator) * (2 * bound) - bound);
            bias = new Parameter(rand([labelCount], generator: generator) * (2 * bound) - bound);
        }
        RegisterComponents();
    }

    public long HiddenSize { get; }
    public int LabelCount { get; }
    public Parameter Weight => weight;
    public Parameter Bias => bias;

    /// <summary>hidden [B, T, H] (any float dtype), mask [B, T] (1 real, 0 pad) → logits [B, K] float32.</summary>
    public override Tensor forward(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var pooled = MaskedMean(hidden, mask);                     // [B, H] f32
        return functional.linear(pooled, weight, bias).MoveToOuterDisposeScope(); // [B, K]
    }

    /// <summary>Mean over positions where mask == 1, in float32: [B, T, H], [B, T] → [B, H]. An all-pad row gives 0.</summary>
    public static Tensor MaskedMean(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var m = mask.to_type(ScalarType.Float32).unsqueeze(-1);   // [B, T, 1]
        var sum = (hidden.to_type(ScalarType.Float32) * m).sum(1);  // [B, H]
        var count = m.sum(1).clamp_min(1f);                        // [B, 1]
        return (sum / count).MoveToOuterDisposeScope();
    }
}
