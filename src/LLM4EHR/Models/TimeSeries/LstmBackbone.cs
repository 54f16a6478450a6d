using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.TimeSeries;

/// <summary>
/// The upstream LLM4EHR <c>lstm</c> model's encoder: a batch-first multi-layer LSTM over the hourly <c>reg_ts</c>
/// inputs (upstream defaults: hidden 128, 3 layers, dropout 0.1 between layers). Every hour is a pooled position;
/// its head pools <see cref="Pooling.Last"/>, the final hidden state, as upstream classifies from h_n of the top layer.
/// </summary>
public sealed class LstmBackbone : Module, IBackbone
{
    private readonly LSTM lstm;

    public LstmBackbone(long inputSize, long hiddenSize, long layers, double dropout) : base(nameof(LstmBackbone))
    {
        HiddenSize = hiddenSize;
        lstm = LSTM(inputSize, hiddenSize, layers, batchFirst: true, dropout: layers > 1 ? dropout : 0);
        RegisterComponents();
    }

    public long HiddenSize { get; }
    public Module Module => this;
    public ILinearHost? Linears => null;

    /// <summary>series [B, S, C] → hidden [B, S, H] f32, mask [B, S] of ones (every hour is real).</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var series = batch.RequireSeries();                              // [B, S, C]
        var (output, hn, cn) = lstm.forward(series);                     // [B, S, H]
        var mask = batch.SeriesStepMask();                               // [B, S]
        return (output.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }
}
