using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.TimeSeries;

/// <summary>
/// A 1-D CNN over the hourly <c>reg_ts</c> inputs (our choice; upstream names a <c>cnn</c> model without a published
/// architecture): <c>layers</c> blocks of Conv1d (kernel <c>kernel</c>, same padding) → ReLU → dropout over time with
/// <c>channels</c> filters each. Its head pools <see cref="Pooling.Max"/>, global max pooling over the hours, the
/// usual reading of a temporal CNN (a pattern anywhere in the window counts).
/// </summary>
public sealed class CnnBackbone : Module, IBackbone
{
    private readonly Sequential blocks;

    public CnnBackbone(long inputSize, long channels, long layers, long kernel, double dropoutRate) : base(nameof(CnnBackbone))
    {
        if (kernel % 2 == 0) throw new BadInputException($"series.kernel: expected an odd kernel size (same padding), got {kernel}");
        HiddenSize = channels;
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i < layers; i++)
        {
            modules.Add(($"conv{i}", Conv1d(i == 0 ? inputSize : channels, channels, kernel, padding: kernel / 2)));
            modules.Add(($"relu{i}", ReLU()));
            modules.Add(($"dropout{i}", Dropout(dropoutRate)));
        }
        blocks = Sequential(modules);
        RegisterComponents();
    }

    public long HiddenSize { get; }
    public Module Module => this;
    public ILinearHost? Linears => null;

    /// <summary>series [B, S, C] → hidden [B, S, channels] f32, mask [B, S] of ones.</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var series = LstmBackbone.SeriesOf(batch);                       // [B, S, C]
        var x = blocks.forward(series.transpose(1, 2).contiguous());     // [B, C, S] (channels-first) → [B, channels, S]
        var mask = ones(series.shape[0], series.shape[1], dtype: ScalarType.Int64, device: series.device); // [B, S]
        return (x.transpose(1, 2).contiguous().MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope()); // [B, S, channels]
    }
}
