namespace LLM4EHR.Models.Encoders.Belt;

/// <summary>
/// How BELT cuts a stay's token stream (the notes' tokens, no special ids) into encoder inputs, as upstream's
/// <c>split_overlapping</c>: chunks of <see cref="ChunkSize"/> tokens starting every <see cref="Stride"/> tokens
/// (0, stride, 2·stride, … while the start is inside the stream); when that gives more than one chunk, those shorter
/// than <see cref="MinChunkTokens"/> are dropped. Each chunk is wrapped as <c>[CLS] … [SEP]</c>; an empty stream is the
/// single chunk <c>[CLS] [SEP]</c>. Upstream (and the defaults): 510 / 170 / 170.
/// </summary>
public sealed record BeltChunking(int ChunkSize = 510, int Stride = 170, int MinChunkTokens = 170)
{
    /// <summary>Upstream's rules (stride and minimum within the chunk size); null when valid, else what is wrong and the key.</summary>
    public (string Key, string Message)? Problem() =>
        ChunkSize < 1 ? ("chunk_size", $"must be at least 1, got {ChunkSize}")
        : Stride < 1 || Stride > ChunkSize ? ("stride", $"must be 1..chunk_size ({ChunkSize}) so that chunks overlap or touch, got {Stride}")
        : MinChunkTokens < 1 || MinChunkTokens > ChunkSize ? ("min_chunk_tokens", $"must be 1..chunk_size ({ChunkSize}), got {MinChunkTokens}")
        : null;

    /// <summary>The chunks of a stream of <paramref name="length"/> tokens as (start, length); none for an empty stream.</summary>
    public IReadOnlyList<(int Start, int Length)> Spans(int length)
    {
        var spans = new List<(int, int)>();
        for (int start = 0; start < length; start += Stride)
            spans.Add((start, Math.Min(ChunkSize, length - start)));
        if (spans.Count > 1)
            spans.RemoveAll(s => s.Item2 < MinChunkTokens);
        return spans;
    }

    /// <summary>
    /// Chunks every stay of a batch. <paramref name="ids"/> and <paramref name="mask"/> are [B, T] row-major; a stay's
    /// stream is its ids where the mask is 1, in order (either padding side).
    /// </summary>
    public BeltChunks Chunk(long[] ids, long[] mask, int batch, int length, long cls, long sep, long pad)
    {
        var chunks = new List<long[]>();
        var perStay = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            var stream = new List<long>(length);
            for (int j = 0; j < length; j++)
                if (mask[b * length + j] != 0)
                    stream.Add(ids[b * length + j]);
            var spans = Spans(stream.Count);
            if (spans.Count == 0)
                chunks.Add([cls, sep]);
            foreach (var (start, count) in spans)
                chunks.Add([cls, .. stream.GetRange(start, count), sep]);
            perStay[b] = Math.Max(1, spans.Count);
        }
        int width = chunks.Max(c => c.Length);
        var flatIds = new long[chunks.Count * width];
        var flatMask = new long[chunks.Count * width];
        Array.Fill(flatIds, pad);
        for (int i = 0; i < chunks.Count; i++)
        {
            chunks[i].CopyTo(flatIds, i * width);
            Array.Fill(flatMask, 1L, i * width, chunks[i].Length);
        }
        return new BeltChunks(flatIds, flatMask, chunks.Count, width, perStay);
    }
}

/// <summary>
/// The chunks of a batch, stay by stay in batch order: ids and mask [N, W] row-major (right-padded with the pad id),
/// N chunks of width W (the longest chunk, special ids included), and how many chunks each stay has.
/// </summary>
public sealed record BeltChunks(long[] Ids, long[] Mask, int Count, int Width, int[] PerStay);
