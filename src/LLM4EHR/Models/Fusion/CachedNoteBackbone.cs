using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.Fusion;

/// <summary>
/// The note side read from a <see cref="NoteEmbeddingCache"/> instead of a network: each stay's pooled note
/// representation, looked up by name, as one position [B, 1, H]. No parameters: a head on it is a linear probe.
/// </summary>
public sealed class CachedNoteBackbone(NoteEmbeddingCache cache, Device device) : Module(nameof(CachedNoteBackbone)), IBackbone
{
    public long HiddenSize => cache.HiddenSize;
    public Module Module => this;
    public ILinearHost? Linears => null;

    /// <summary>→ hidden [B, 1, H] f32 (the cached vectors of batch.Names) and mask [B, 1] of ones.</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        int b = batch.Names.Count;
        var flat = new float[b * cache.HiddenSize];
        for (int i = 0; i < b; i++)
            cache.Get(batch.Names[i]).CopyTo(flat, i * cache.HiddenSize);
        return (tensor(flat, [b, 1, cache.HiddenSize]).to(device), ones(b, 1, dtype: ScalarType.Int64, device: device));
    }
}
