using static TorchSharp.torch;

// Shape key (README, "Shape key"): B stays, T tokens per stay, N chunks in the batch, W tokens per chunk,
// C chunks per stay (the most in the batch), H hidden.

namespace LLM4EHR.Models.Encoders.Belt;

/// <summary>What represents one chunk: its [CLS] state (upstream's BELT) or the mean over its tokens.</summary>
public enum ChunkRepresentation { Cls, Mean }

/// <summary>
/// BELT (upstream LLM4EHR's <c>belt</c>, after mim-solutions' BELT): a BERT encoder over overlapping chunks of each
/// stay's token stream (<see cref="BeltChunking"/>), one vector per chunk, and the chunks as the sequence the head
/// pools (mean or max over chunks). Chunks of the whole batch are encoded together, <see cref="ChunkBatch"/> at a
/// time; the encoder's gradient checkpointing applies inside each.
/// </summary>
/// <remarks>
/// Upstream applies the linear classifier to each chunk's [CLS] and pools the chunk logits. Mean pooling of logits
/// equals the head on the mean chunk vector (the head is linear); max pooling here is over chunk vectors, then the head.
/// </remarks>
public sealed class BeltBackbone : IBackbone
{
    /// <param name="encoder">The BERT encoder (owned: disposed with this backbone).</param>
    /// <param name="cls">[CLS] id, <paramref name="sep"/> [SEP] id, <paramref name="pad"/> [PAD] id of its vocabulary.</param>
    public BeltBackbone(EncoderModel encoder, BeltChunking chunking, ChunkRepresentation representation, int chunkBatch,
        long cls, long sep, long pad)
    {
        if (chunking.Problem() is { } problem)
            throw new ArgumentException($"{problem.Key}: {problem.Message}", nameof(chunking));
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBatch, 1);
        if (chunking.ChunkSize + 2 > encoder.Config.MaxPositionEmbeddings)
            throw new BadInputException($"model.belt.chunk_size: {chunking.ChunkSize} + [CLS] + [SEP] exceeds the encoder's " +
                                        $"max_position_embeddings ({encoder.Config.MaxPositionEmbeddings})");
        Encoder = encoder;
        Chunking = chunking;
        Representation = representation;
        ChunkBatch = chunkBatch;
        (Cls, Sep, Pad) = (cls, sep, pad);
    }

    public EncoderModel Encoder { get; }
    public BeltChunking Chunking { get; }
    public ChunkRepresentation Representation { get; }
    /// <summary>Chunks per encoder call.</summary>
    public int ChunkBatch { get; }
    public long Cls { get; }
    public long Sep { get; }
    public long Pad { get; }

    public long HiddenSize => Encoder.Config.HiddenSize;
    public nn.Module Module => Encoder;
    public ILinearHost? Linears => Encoder;

    /// <summary>Chunk vectors [B, C, H] and the chunk mask [B, C] (1 = a chunk of that stay).</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var device = batch.InputIds.device;
        int b = (int)batch.InputIds.shape[0], t = (int)batch.InputIds.shape[1];
        var chunks = Chunking.Chunk(batch.InputIds.cpu().data<long>().ToArray(), batch.AttentionMask.cpu().to_type(ScalarType.Int64).data<long>().ToArray(),
            b, t, Cls, Sep, Pad);
        var ids = tensor(chunks.Ids, [chunks.Count, chunks.Width], device: device);       // [N, W]
        var mask = tensor(chunks.Mask, [chunks.Count, chunks.Width], device: device);     // [N, W]

        var vectors = new List<Tensor>();
        for (int start = 0; start < chunks.Count; start += ChunkBatch)
        {
            int n = Math.Min(ChunkBatch, chunks.Count - start);
            var m = mask.narrow(0, start, n);
            var hidden = Encoder.Forward(ids.narrow(0, start, n), m);                      // [n, W, H]
            vectors.Add(Representation == ChunkRepresentation.Cls
                ? hidden.select(1, 0)                                                       // [n, H]
                : PooledClassifierHead.MaskedMean(hidden, m).to_type(hidden.dtype));        // [n, H]
        }
        var all = cat(vectors, 0);                                                           // [N, H]

        // Stay b's chunks are rows offset[b] … offset[b] + PerStay[b] - 1 of `all`; empty slots read a zero row.
        int most = chunks.PerStay.Max();
        var index = new long[b * most];
        var slotMask = new long[b * most];
        int offset = 0;
        for (int row = 0; row < b; row++)
        {
            for (int c = 0; c < most; c++)
            {
                bool real = c < chunks.PerStay[row];
                index[row * most + c] = real ? offset + c : chunks.Count;
                slotMask[row * most + c] = real ? 1 : 0;
            }
            offset += chunks.PerStay[row];
        }
        var padded = cat([all, zeros(1, all.shape[1], all.dtype, device)], 0);              // [N + 1, H]
        var chunkVectors = padded.index_select(0, tensor(index, device: device)).view(b, most, -1); // [B, C, H]
        var chunkMask = tensor(slotMask, [b, most], device: device);                        // [B, C]
        return (chunkVectors.MoveToOuterDisposeScope(), chunkMask.MoveToOuterDisposeScope());
    }

    public void Dispose() => Encoder.Dispose();
}
