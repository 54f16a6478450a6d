using TorchSharp;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, A attention (query) heads, D head dim.

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Causal attention on CPU as plain matmul + softmax, over chunks of queries: each chunk is scored only against the
/// keys up to its last query (the causal upper right is never computed) and its scores stay small enough to be reused
/// from the heap. libtorch's CPU flash-attention kernel is slow at the small head dims of the demo and bench models
/// (measured fwd+bwd per layer, in alternation: [8, 4, 512, 16] 22.2 ms flash vs 15.4 ms here, padded 24.9 vs 18.1;
/// [2, 8, 512, 32] 13.1 vs 10.4, padded 14.4 vs 11.2), but it keeps no T×T probabilities for backward, which this
/// does: so this path is taken only while they are small (<see cref="Applies"/>). Same results as SDPA to float32 rounding.
/// </summary>
internal static class ChunkedCausalAttention
{
    /// <summary>Above this many bytes of f32 scores (B·A·T², saved for backward), SDPA's flash kernel is used.</summary>
    public const long MaxScoreBytes = 64L << 20;

    /// <summary>Target size of one chunk's scores: 8 MiB measured best for [8, 4, 512, 16] and [2, 8, 512, 32].</summary>
    public const long ChunkScoreBytes = 8L << 20;

    /// <summary>Fewest query rows per chunk (fewer would spend more on op dispatch than they save).</summary>
    public const long MinChunkRows = 64;

    /// <summary>Environment variable: <c>sdpa</c> always uses libtorch's SDPA, <c>chunked</c> this path wherever it is exact.</summary>
    public const string OverrideVariable = "LLM4EHR_CPU_ATTENTION";

    /// <summary>True for float32 q [B, A, T, D] on CPU whose full score matrix stays under <see cref="MaxScoreBytes"/>.</summary>
    public static bool Applies(Tensor q) => Applies(q, Override);

    // Read once: Applies runs in every layer's forward.
    private static readonly string? Override = Environment.GetEnvironmentVariable(OverrideVariable);

    /// <summary><see cref="Applies(Tensor)"/> with the override's value given (null: none).</summary>
    internal static bool Applies(Tensor q, string? overrideValue)
    {
        if (q.device.type != DeviceType.CPU || q.dtype != ScalarType.Float32)
            return false;
        return overrideValue switch
        {
            "sdpa" => false,
            "chunked" => true,
            _ => AppliesTo(q.shape[0], q.shape[1], q.shape[2]),
        };
    }

    /// <summary>The size rule of <see cref="Applies(Tensor)"/> for float32 on CPU: B·A·T² f32 scores within <see cref="MaxScoreBytes"/>.</summary>
    public static bool AppliesTo(long b, long a, long t) => b * a * t * t * 4 <= MaxScoreBytes;

    /// <summary>
    /// Bytes one layer keeps for backward that the flash kernel would not, where this path applies (else 0): every
    /// chunk's f32 probabilities [B, A, n, end] (softmax's output, also P·V's input). The additive masks keep nothing.
    /// </summary>
    public static long SavedBytes(long b, long a, long t)
    {
        if (!AppliesTo(b, a, t))
            return 0;
        long rows = ChunkRows(b, a, t), cells = 0; // Σ n·end over the chunks
        for (long start = 0; start < t; start += rows)
            cells += Math.Min(rows, t - start) * Math.Min(start + rows, t);
        return b * a * 4 * cells;
    }

    /// <summary>Query rows per chunk for q [B, A, T, D]: about <see cref="ChunkScoreBytes"/> of scores, at least <see cref="MinChunkRows"/>.</summary>
    public static long ChunkRows(long b, long a, long t) => Math.Clamp(ChunkScoreBytes / (b * a * t * 4), Math.Min(MinChunkRows, t), t);

    /// <summary>
    /// q, k, v [B, A, T, D] (k/v already expanded to A heads); mask null (causal) or bool [B, 1, T, T] (true = may
    /// attend; causal and padding folded in, as <see cref="LlamaAttentionMask.Build"/> makes it) → [B, A, T, D].
    /// </summary>
    public static Tensor Apply(Tensor q, Tensor k, Tensor v, Tensor? mask, long? chunkRows = null)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], a = q.shape[1], t = q.shape[2], d = q.shape[3];
        long rows = chunkRows ?? ChunkRows(b, a, t);
        var scaled = q * (1.0 / Math.Sqrt(d));                                       // [B, A, T, D]
        var outputs = new List<Tensor>();
        for (long start = 0; start < t; start += rows)
        {
            long n = Math.Min(rows, t - start), end = start + n;
            using var chunkScope = NewDisposeScope(); // the chunk's scores go once softmax has read them (autograd keeps P)
            // The mask goes in as an additive 0 / -inf bias over the whole chunk, in place: add's backward passes the
            // gradient through as it is. A fill of the masked scores (in place on the diagonal block, a view) made
            // backward copy the chunk's whole score gradient and fill it again: fwd+bwd per layer 13.8 → 10.4 ms
            // for [2, 8, 512, 32], 22.1 → 18.1 ms padded for [8, 4, 512, 16].
            var scores = scaled.narrow(2, start, n).matmul(k.narrow(2, 0, end).transpose(-2, -1)) // [B, A, n, end]
                .add_(mask is null ? CausalBias(start, n, q.device) : PaddedBias(mask, start, n));
            var probabilities = scores.softmax(-1);
            outputs.Add(probabilities.matmul(v.narrow(2, 0, end)).MoveToOuterDisposeScope()); // [B, A, n, D]
        }
        return (outputs.Count == 1 ? outputs[0] : cat(outputs, 2)).MoveToOuterDisposeScope();
    }

    // The causal bias of the chunk of queries [start, start + n) against keys [0, start + n): [n, end], -inf only
    // above the diagonal of its last n columns (the keys before the chunk are all visible).
    private static Tensor CausalBias(long start, long n, Device device)
    {
        var bias = zeros([n, start + n], device: device);
        bias.narrow(1, start, n).masked_fill_(ones([n, n], ScalarType.Bool, device).triu(1), float.NegativeInfinity);
        return bias;
    }

    // The padded mask's bias for the same chunk: [B, 1, n, end], -inf where the bool mask says may not attend.
    private static Tensor PaddedBias(Tensor mask, long start, long n)
    {
        var allowed = mask.narrow(2, start, n).narrow(3, 0, start + n);
        return zeros(allowed.shape, device: mask.device).masked_fill_(allowed.logical_not(), float.NegativeInfinity);
    }
}
