using LLM4EHR.Models.TimeSeries;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.Fusion;

/// <summary>
/// Notes + time series: the note backbone's representations mask-mean-pooled ([B, Hn]) and the series encoder's
/// pooled by its own pooling ([B, Hs]), concatenated into one position [B, 1, Hn + Hs] for the head (late fusion of
/// pooled representations, as MultimodalMIMIC's and CTPD's baselines). Only the series encoder is this backbone's
/// <see cref="Module"/>, so a classifier that trains the backbone trains it whole, while the note backbone stays frozen
/// and trains only through LoRA adapters on its <see cref="Linears"/> (or not at all: cached embeddings).
/// Owns both encoders.
/// </summary>
public sealed class FusionBackbone : Module, IBackbone
{
    private readonly IBackbone _notes;
    private readonly Module series;
    private readonly IBackbone _series;
    private readonly Pooling _seriesPooling;

    public FusionBackbone(IBackbone notes, IBackbone seriesEncoder, Pooling seriesPooling) : base(nameof(FusionBackbone))
    {
        series = seriesEncoder.Module;
        // Registered before the note side is stored: RegisterComponents picks up every Module-valued field, and the
        // note backbone must not become part of this module (it would train whole and be saved with the run).
        RegisterComponents();
        _notes = notes;
        _series = seriesEncoder;
        _seriesPooling = seriesPooling;
        foreach (var p in notes.Module.parameters())
            p.requires_grad = false;
        HiddenSize = notes.HiddenSize + seriesEncoder.HiddenSize;
    }

    public long HiddenSize { get; }
    public Module Module => this;
    public ILinearHost? Linears => _notes.Linears;
    /// <summary>The note side (Llama or cached embeddings).</summary>
    public IBackbone Notes => _notes;

    /// <summary>→ hidden [B, 1, Hn + Hs] f32 and mask [B, 1] of ones.</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var (noteHidden, noteMask) = _notes.Encode(batch);                                   // [B, T, Hn], [B, T]
        var notes = PooledClassifierHead.Pool(noteHidden, noteMask, Pooling.Mean);           // [B, Hn]
        var (seriesHidden, seriesMask) = _series.Encode(batch);                              // [B, S, Hs], [B, S]
        var pooled = PooledClassifierHead.Pool(seriesHidden, seriesMask, _seriesPooling);    // [B, Hs]
        var joined = cat([notes, pooled], 1).unsqueeze(1);                                   // [B, 1, Hn + Hs]
        var mask = ones(joined.shape[0], 1, dtype: ScalarType.Int64, device: joined.device); // [B, 1]
        return (joined.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _notes.Dispose();
        base.Dispose(disposing);
    }
}
