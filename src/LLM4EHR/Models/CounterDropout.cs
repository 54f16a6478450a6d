using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// Inverted dropout whose keep mask, on CPU, comes from a counter-based hash instead of libtorch's generator.
/// libtorch draws CPU random numbers one at a time from a single mt19937 stream: a [2, 512, 256] mask took 0.58–0.65 ms
/// with <c>rand_like(x).ge_(p)</c> and 1.8 ms inside <c>F.dropout</c>, against 0.04–0.05 ms here (2 cores, measured
/// in alternation), and the bench step draws eight such masks. Element i of a mask is kept when
/// mix(mix(i·φ + seed_lo) ^ seed_hi) ≥ p·2³², with murmur3's 32-bit finalizer as mix: a bijection of i for a given
/// seed, so no two elements of a mask share a hash, and element i does not depend on how the work is split across
/// threads. The seed is one draw from torch's default generator, so <c>torch.manual_seed</c> and activation
/// checkpointing's RNG replay give the same masks. Off the CPU (CUDA's generator is parallel) and for masks of 2³²
/// elements or more, libtorch's own ops are used.
/// </summary>
public static class CounterDropout
{
    /// <summary>Elements per parallel work item (about 0.01 ms of hashing: smaller would cost more in scheduling).</summary>
    private const int ChunkElements = 1 << 16;

    /// <summary>Elements per <c>Tensor.bytes</c> span: TorchSharp's span holds at most int.MaxValue bytes.</summary>
    private const long SpanElements = 1L << 28;

    private const uint Golden = 0x9E3779B9u; // 2³²/φ: consecutive counters land far apart before mixing

    /// <summary>
    /// <paramref name="x"/> with a fraction <paramref name="p"/> of its elements zeroed and the rest scaled by
    /// 1/(1−p), as <c>F.dropout</c> (p = 1 zeroes everything); <paramref name="x"/> itself when not training or p is 0.
    /// Differentiable in x.
    /// </summary>
    public static Tensor Apply(Tensor x, double p, bool training)
    {
        CheckProbability(p);
        if (!training || p == 0)
            return x.alias();
        if (!Hashable(x, p))
            return nn.functional.dropout(x, p, training);
        using var scope = NewDisposeScope();
        double scale = 1 / (1 - p);
        // float64 keeps the exact scale (a float mask value would round it); other dtypes scale as the mask is made.
        bool exactScale = x.dtype == ScalarType.Float64;
        var mask = KeepMask(x.shape, p, x.dtype, keptValue: exactScale ? 1 : scale);
        var dropped = x * mask;
        return (exactScale ? dropped.mul_(scale) : dropped).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A 0/1 keep mask shaped and typed like <paramref name="like"/>: 1 with probability 1−<paramref name="p"/>.
    /// For callers that fold the 1/(1−p) scale in elsewhere (LoRA puts it on B).
    /// </summary>
    public static Tensor Keep(Tensor like, double p)
    {
        CheckProbability(p);
        if (!Hashable(like, p))
        {
            using var scope = NewDisposeScope();
            return rand_like(like).ge_(p).to_type(like.dtype).MoveToOuterDisposeScope();
        }
        return KeepMask(like.shape, p, like.dtype, keptValue: 1);
    }

    // Where the hash draws the mask: on the CPU, below 2³² elements (its counter is 32-bit), and p < 1 (p = 1 keeps nothing).
    private static bool Hashable(Tensor t, double p) => p < 1 && t.device.type == DeviceType.CPU && t.numel() <= uint.MaxValue;

    private static void CheckProbability(double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
    }

    /// <summary>The mask, filled <paramref name="spanElements"/> at a time (smaller than the default only in tests).</summary>
    internal static Tensor KeepMask(long[] shape, double p, ScalarType dtype, double keptValue, long spanElements = SpanElements)
    {
        ulong seed = (ulong)TorchSeed.Draw();
        var mask = empty(shape, ScalarType.Float32);
        uint threshold = (uint)Math.Min(uint.MaxValue, Math.Round(p * 4294967296.0));
        using (var flat = mask.view(-1))
            for (long start = 0; start < flat.shape[0]; start += spanElements)
                using (var span = flat.narrow(0, start, Math.Min(spanElements, flat.shape[0] - start)))
                    Fill(span, (uint)start, seed, threshold, (float)keptValue);
        if (dtype == ScalarType.Float32)
            return mask;
        using (mask)
            return mask.to_type(dtype);
    }

    // The elements of one span of the mask, whose first element is element `offset` of the whole mask.
    private static unsafe void Fill(Tensor span, uint offset, ulong seed, uint threshold, float keptValue)
    {
        long n = span.numel();
        if (n == 0)
            return;
        fixed (byte* bytes = span.bytes)
        {
            nint data = (nint)bytes - (nint)offset * sizeof(float); // indexed by the mask's element number
            long chunks = (n + ChunkElements - 1) / ChunkElements;
            if (chunks == 1)
                FillRange((float*)data, offset, (uint)(offset + n), seed, threshold, keptValue);
            else
                Parallel.For(0L, chunks, c =>
                {
                    uint start = (uint)(offset + c * ChunkElements);
                    FillRange((float*)data, start, (uint)(offset + Math.Min(n, (c + 1) * ChunkElements)), seed, threshold, keptValue);
                });
        }
    }

    // Elements [start, end) of the mask; the vector loop and the scalar tail compute the same function of i.
    private static unsafe void FillRange(float* output, uint start, uint end, ulong seed, uint threshold, float keptValue)
    {
        uint lo = (uint)seed, hi = (uint)(seed >> 32);
        uint i = start;
        if (Vector.IsHardwareAccelerated && end - start >= Vector<uint>.Count)
        {
            var counters = (Vector<uint>.Indices + new Vector<uint>(start)) * Golden + new Vector<uint>(lo);
            var advance = new Vector<uint>(unchecked((uint)Vector<uint>.Count * Golden));
            var high = new Vector<uint>(hi);
            var limit = new Vector<uint>(threshold);
            var kept = Vector.AsVectorUInt32(new Vector<float>(keptValue));
            for (; end - i >= Vector<uint>.Count; i += (uint)Vector<uint>.Count)
            {
                var hash = Mix(Mix(counters) ^ high);
                Vector.AsVectorSingle(Vector.GreaterThanOrEqual(hash, limit) & kept).Store(output + i);
                counters += advance;
            }
        }
        for (; i < end; i++)
            output[i] = Mix(Mix(unchecked(i * Golden + lo)) ^ hi) >= threshold ? keptValue : 0f;
    }

    // murmur3's fmix32: every input bit flips about half of the output bits.
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h = unchecked(h * 0x85EBCA6Bu);
        h ^= h >> 13;
        h = unchecked(h * 0xC2B2AE35u);
        return h ^ (h >> 16);
    }

    private static Vector<uint> Mix(Vector<uint> h)
    {
        h ^= Vector.ShiftRightLogical(h, 16);
        h *= 0x85EBCA6Bu;
        h ^= Vector.ShiftRightLogical(h, 13);
        h *= 0xC2B2AE35u;
        return h ^ Vector.ShiftRightLogical(h, 16);
    }
}
