using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.TimeSeries;

/// <summary>
/// A 1-D CNN over the hourly <c>reg_ts</c> inputs (our choice; upstream names a <c>cnn</c> model without a published
/// architecture): <c>layers</c> blocks of conv1d (kernel <c>kernel</c>, same padding) → ReLU → dropout over time with
/// <c>hidden</c> filters each. Its head pools <see cref="Pooling.Max"/>, global max pooling over the hours, the usual
/// reading of a temporal CNN (a pattern anywhere in the window counts). Weights are plain parameters initialised as
/// nn.Conv1d does (U(±1/√(in × kernel))). Each convolution runs as im2col + matmul (pad, unfold the hours into
/// windows, one linear map): libtorch's CPU conv1d kernel gave sporadic NaN from finite inputs and weights on the
/// build machine (depending on allocation history), the matmul path is the one every other model here uses.
/// </summary>
public sealed class CnnBackbone : Module, IBackbone
{
    private readonly ParameterList weights = new();
    private readonly ParameterList biases = new();
    private readonly long _padding;
    private readonly double _dropout;

    public CnnBackbone(long inputSize, long channels, long layers, long kernel, double dropoutRate) : base(nameof(CnnBackbone))
    {
        if (kernel % 2 == 0) throw new BadInputException($"series.kernel: expected an odd kernel size (same padding), got {kernel}");
        HiddenSize = channels;
        _padding = kernel / 2;
        _dropout = dropoutRate;
        using (no_grad())
            for (int i = 0; i < layers; i++)
            {
                long inChannels = i == 0 ? inputSize : channels;
                double bound = 1.0 / Math.Sqrt(inChannels * kernel);
                weights.Add(new Parameter((rand(channels, inChannels * kernel) * 2 - 1) * bound));  // [out, in × kernel]
                biases.Add(new Parameter((rand(channels) * 2 - 1) * bound));                      // [out]
            }
        RegisterComponents();
    }

    public long HiddenSize { get; }
    public Module Module => this;
    public ILinearHost? Linears => null;

    /// <summary>series [B, S, C] → hidden [B, S, channels] f32, mask [B, S] of ones.</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var series = batch.RequireSeries();                              // [B, S, C]
        var x = series;                                                  // [B, S, C]
        for (int i = 0; i < weights.Count; i++)
        {
            long k = 2 * _padding + 1;
            var padded = functional.pad(x.transpose(1, 2), [_padding, _padding]);          // [B, C, S + k - 1]
            var windows = padded.unfold(2, k, 1);                                          // [B, C, S, k]
            var columns = windows.permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[1], -1); // [B, S, C × k]
            x = CounterDropout.Apply(functional.relu(functional.linear(columns, weights[i], biases[i])), _dropout, training); // [B, S, channels]
        }
        var mask = batch.SeriesStepMask();                                             // [B, S]
        return (x.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());            // [B, S, channels]
    }
}
