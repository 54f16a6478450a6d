using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models;

/// <summary>How a head reduces [B, T, H] to [B, H] over the positions where the mask is 1.</summary>
public enum Pooling
{
    /// <summary>Masked mean (the Llama baseline; upstream's best encoder setting).</summary>
    Mean,
    /// <summary>Position 0 ([CLS] / &lt;s&gt;), as BERT-style sequence classifiers do.</summary>
    Cls,
    /// <summary>Masked element-wise max (BELT's max over chunks).</summary>
    Max,
    /// <summary>The last position whose mask is 1 (a recurrent encoder's final state), for either padding side.</summary>
    Last,
}

/// <summary>
/// Sequence classifier head: pooling of the backbone's representations over the masked positions (mean by default),
/// then a linear map to K logits (1 for IHM, 25 for Pheno). Pooling and head run in float32 whatever the backbone
/// dtype, so a bf16 backbone does not lose precision summing thousands of tokens.
/// </summary>
public sealed class PooledClassifierHead : Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>weight [K, H] and bias [K] start U(±1/√H) as nn.Linear does, from a seeded generator.</summary>
    public PooledClassifierHead(long hiddenSize, int labelCount, long seed = 42, Pooling pooling = Pooling.Mean) : base(nameof(PooledClassifierHead))
    {
        Pooling = pooling;
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
    public Pooling Pooling { get; }
    public Parameter Weight => weight;
    public Parameter Bias => bias;

    /// <summary>hidden [B, T, H] (any float dtype), mask [B, T] (1 real, 0 pad) → logits [B, K] float32.</summary>
    public override Tensor forward(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var pooled = Pool(hidden, mask, Pooling);                  // [B, H] f32
        return functional.linear(pooled, weight, bias).MoveToOuterDisposeScope(); // [B, K]
    }

    /// <summary>[B, T, H], [B, T] → [B, H] float32 by <paramref name="pooling"/>; an all-pad row gives 0 (Mean, Max).</summary>
    public static Tensor Pool(Tensor hidden, Tensor mask, Pooling pooling) => pooling switch
    {
        Pooling.Mean => MaskedMean(hidden, mask),
        Pooling.Cls => hidden.select(1, 0).to_type(ScalarType.Float32),
        Pooling.Max => MaskedMax(hidden, mask),
        Pooling.Last => LastReal(hidden, mask),
        _ => throw new ArgumentOutOfRangeException(nameof(pooling)),
    };

    /// <summary>Mean over positions where mask == 1, in float32: [B, T, H], [B, T] → [B, H]. An all-pad row gives 0.</summary>
    public static Tensor MaskedMean(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var m = mask.to_type(ScalarType.Float32).unsqueeze(-1);   // [B, T, 1]
        var sum = (hidden.to_type(ScalarType.Float32) * m).sum(1);  // [B, H]
        var count = m.sum(1).clamp_min(1f);                        // [B, 1]
        return (sum / count).MoveToOuterDisposeScope();
    }

    /// <summary>Element-wise max over positions where mask == 1: [B, T, H], [B, T] → [B, H] f32. An all-pad row gives 0.</summary>
    public static Tensor MaskedMax(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var real = mask.unsqueeze(-1).to_type(ScalarType.Bool);                       // [B, T, 1]
        var h = hidden.to_type(ScalarType.Float32).masked_fill(real.logical_not(), float.NegativeInfinity);
        var max = h.amax([1]);                                                         // [B, H]
        var any = real.any(1);                                                         // [B, 1]
        return max.where(any, zeros_like(max)).MoveToOuterDisposeScope();
    }

    /// <summary>The representation at the last position where mask == 1 (left or right padding): [B, T, H] → [B, H] f32.</summary>
    public static Tensor LastReal(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var positions = arange(mask.shape[1], device: mask.device).unsqueeze(0) * mask.to_type(ScalarType.Int64); // [B, T]
        var last = positions.argmax(1);                                                // [B]
        var index = last.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);               // [B, 1, H]
        return hidden.gather(1, index).squeeze(1).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
