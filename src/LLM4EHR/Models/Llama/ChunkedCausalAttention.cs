using TorchSharp;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, A attention (query) heads, D head dim.

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Causal attention on CPU as plain matmul + softmax, over chunks of queries: each chunk is scored only against the
/// keys up to its last query (the causal upper right is never computed) and its scores stay small enough to be reused
/// from the heap. libtorch's CPU flash-attention kernel is slow at the small head dims of the demo and bench models
/// (measured fwd+bwd per layer: [8, 4, 512, 16] 19–21 ms flash vs 14 ms here, [2, 8, 512, 32] 12.5 vs 9.2 ms;
/// padded: 20.5 vs 16.8 ms), but it keeps no T×T probabilities for backward, which this does: so this path is taken
/// only while they are small (<see cref="Applies"/>). Same results as SDPA to float32 rounding.
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
    /// chunk's f32 probabilities [B, A, n, end] (softmax's output, also P·V's input) and, for a padded batch, its bool
    /// mask [B, 1, n, end] (masked_fill's).
    /// </summary>
    public static long SavedBytes(long b, long a, long t, bool padded)
    {
        if (!AppliesTo(b, a, t))
            return 0;
        long rows = ChunkRows(b, a, t), cells = 0; // Σ n·end over the chunks
        for (long start = 0; start < t; start += rows)
            cells += Math.Min(rows, t - start) * Math.Min(start + rows, t);
        return b * cells * (4 * a + (padded ? 1 : 0));
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
            var scores = scaled.narrow(2, start, n).matmul(k.narrow(2, 0, end).transpose(-2, -1)); // [B, A, n, end]
            // In place: matmul's backward does not need its output. Causal: only the diagonal block [n, n] has keys
            // after their query; the keys before the chunk are all visible.
            if (mask is null)
                scores.narrow(3, start, n).masked_fill_(AfterQuery(n, q.device), float.NegativeInfinity);
            else
                scores.masked_fill_(mask.narrow(2, start, n).narrow(3, 0, end).logical_not(), float.NegativeInfinity); // [B, 1, n, end]
            var probabilities = scores.softmax(-1);
            outputs.Add(probabilities.matmul(v.narrow(2, 0, end)));                  // [B, A, n, D]
        }
        return (outputs.Count == 1 ? outputs[0] : cat(outputs, 2)).MoveToOuterDisposeScope();
    }

    // The diagonal block's keys after their query: bool [n, n], true above the diagonal.
    private static Tensor AfterQuery(long n, Device device) => ones([n, n], ScalarType.Bool, device).triu(1);
}
