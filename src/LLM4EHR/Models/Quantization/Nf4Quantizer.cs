using System.Numerics;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// Blockwise NF4 quantization in the bitsandbytes/QLoRA layout: blocks of <see cref="BlockSize"/> consecutive
/// elements of the row-major flattened weight, one absmax per block, each value × (1/absmax) rounded to the nearest
/// NF4 level, two codes per byte (earlier element in the high nibble; an odd count pads the last low nibble with 0).
/// Quantization runs as tight vectorised C# over the tensor's memory (an 8B model has ~7e9 linear weights);
/// dequantization is torch ops so it runs on whatever device the codes live on.
/// </summary>
public static class Nf4Quantizer
{
    public const int BlockSize = 64;
    // Blocks handed to one parallel work item: big enough to amortise scheduling, small enough to balance.
    private const int BlocksPerChunk = 2048;

    private static readonly Vector<float>[] MidpointVectors =
        Nf4Levels.Midpoints.Select(m => new Vector<float>(m)).ToArray();

    /// <summary>
    /// Quantizes any-shaped weight (converted to f32 on the CPU first).
    /// Returns packed U8 [ceil(n/2)] and absmax F32 [ceil(n/64)], both on the CPU.
    /// </summary>
    public static unsafe (Tensor Packed, Tensor Absmax) Quantize(Tensor weight)
    {
        using var scope = NewDisposeScope();
        var src = weight.detach().to(CPU).to_type(ScalarType.Float32).contiguous().flatten(); // [n]
        long n = src.numel();
        // Spans over tensor memory are int-indexed: one weight is limited to 2 GiB of f32 (512M elements).
        // The largest Llama-3 8B/70B projection is far below that; embeddings and lm_head are never quantized.
        if (n * sizeof(float) > int.MaxValue)
            throw new ArgumentException($"NF4: weight of {n} elements is over 2 GiB as f32; quantize it in row slices", nameof(weight));
        long blocks = (n + BlockSize - 1) / BlockSize;
        var packed = zeros(new[] { (n + 1) / 2 }, ScalarType.Byte);  // [ceil(n/2)]
        var absmax = zeros(new[] { blocks }, ScalarType.Float32);    // [ceil(n/64)]
        if (n > 0)
        {
            fixed (byte* xs = src.bytes, ps = packed.bytes, @as = absmax.bytes)
            {
                nint x = (nint)xs, p = (nint)ps, a = (nint)@as;
                long chunks = (blocks + BlocksPerChunk - 1) / BlocksPerChunk;
                Parallel.For(0L, chunks, c =>
                {
                    long end = Math.Min(blocks, (c + 1) * BlocksPerChunk);
                    for (long b = c * BlocksPerChunk; b < end; b++)
                    {
                        int len = (int)Math.Min(BlockSize, n - b * BlockSize);
                        QuantizeBlock((float*)x + b * BlockSize, len, (byte*)p + b * (BlockSize / 2), (float*)a + b);
                    }
                });
            }
        }
        return (packed.MoveToOuterDisposeScope(), absmax.MoveToOuterDisposeScope());
    }

    private static unsafe void QuantizeBlock(float* x, int len, byte* packed, float* absmax)
    {
        float amax = 0f;
        for (int i = 0; i < len; i++)
            amax = MathF.Max(amax, MathF.Abs(x[i]));
        *absmax = amax;
        // bitsandbytes multiplies by the reciprocal (not divides); an all-zero block gives NaN → code 0, as there.
        float inv = 1f / amax;
        Span<int> codes = stackalloc int[BlockSize];
        int w = Vector<float>.Count, i0 = 0;
        var vinv = new Vector<float>(inv);
        for (; i0 + w <= len; i0 += w)
        {
            var v = Vector.Load(x + i0) * vinv;
            var acc = Vector<int>.Zero;
            foreach (var m in MidpointVectors)
                acc -= Vector.GreaterThan(v, m); // true lanes are -1: counts midpoints below v
            acc.CopyTo(codes[i0..]);
        }
        for (; i0 < len; i0++)
            codes[i0] = Nf4Levels.Code(x[i0] * inv);
        for (int j = 0; j < len / 2; j++)
            packed[j] = (byte)((codes[2 * j] << 4) | codes[2 * j + 1]);
        if ((len & 1) == 1)
            packed[len / 2] = (byte)(codes[len - 1] << 4);
    }

    /// <summary>
    /// Weight = level(code) × absmax, computed in f32 and cast to <paramref name="dtype"/>, on the codes' device.
    /// <paramref name="absmax"/> is F32 [ceil(n/64)] (already decompressed when double-quantized).
    /// CPU tensors take a one-pass C# kernel (this runs inside every NF4 forward); other devices use torch ops.
    /// </summary>
    public static Tensor Dequantize(Tensor packed, Tensor absmax, long[] shape, ScalarType dtype = ScalarType.Float32) =>
        packed.device_type == DeviceType.CPU && absmax.device_type == DeviceType.CPU
            ? DequantizeCpu(packed, absmax, shape, dtype)
            : DequantizeTorch(packed, absmax, shape, dtype);

    internal static unsafe Tensor DequantizeCpu(Tensor packed, Tensor absmax, long[] shape, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        long n = shape.Aggregate(1L, (a, b) => a * b);
        long blocks = absmax.numel();
        var p = packed.contiguous();
        var a = absmax.to_type(ScalarType.Float32).contiguous();
        var weight = empty(new[] { n }, ScalarType.Float32);             // [n]
        if (n > 0)
        {
            fixed (byte* ps = p.bytes, @as = a.bytes, ws = weight.bytes)
            fixed (float* lut = PairLevels)
            {
                nint pp = (nint)ps, ap = (nint)@as, wp = (nint)ws, lp = (nint)lut;
                long chunks = (blocks + BlocksPerChunk - 1) / BlocksPerChunk;
                Parallel.For(0L, chunks, c =>
                {
                    long end = Math.Min(blocks, (c + 1) * BlocksPerChunk);
                    for (long b = c * BlocksPerChunk; b < end; b++)
                    {
                        int len = (int)Math.Min(BlockSize, n - b * BlockSize);
                        DequantizeBlock((byte*)pp + b * (BlockSize / 2), ((float*)ap)[b], len, (float*)wp + b * BlockSize, (float*)lp);
                    }
                });
            }
        }
        var result = weight.view(shape).to_type(dtype);
        return result.MoveToOuterDisposeScope();
    }

    private static unsafe void DequantizeBlock(byte* packed, float absmax, int len, float* output, float* pairLevels)
    {
        int pairs = len / 2, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Each table row is two adjacent floats = one 8-byte lane: four bytes of codes fill eight outputs.
            double* rows = (double*)pairLevels;
            var scale = Vector256.Create(absmax);
            for (; j + 4 <= pairs; j += 4)
            {
                var levels = Vector256.Create(rows[packed[j]], rows[packed[j + 1]], rows[packed[j + 2]], rows[packed[j + 3]]).AsSingle();
                (levels * scale).Store(output + 2 * j);
            }
        }
        for (; j < pairs; j++)
        {
            float* lv = pairLevels + 2 * packed[j];
            output[2 * j] = lv[0] * absmax;
            output[2 * j + 1] = lv[1] * absmax;
        }
        if ((len & 1) == 1)
            output[len - 1] = pairLevels[2 * packed[pairs]] * absmax;
    }

    internal static Tensor DequantizeTorch(Tensor packed, Tensor absmax, long[] shape, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        long n = shape.Aggregate(1L, (a, b) => a * b);
        long blocks = absmax.numel();
        var pairs = tensor(PairLevels, [256, 2]).to(packed.device);         // [256, 2]
        var values = pairs.index_select(0, packed.to_type(ScalarType.Int32)).view(-1); // [2*ceil(n/2)]
        long padded = blocks * BlockSize;
        if (values.numel() < padded)
            values = nn.functional.pad(values, [0, padded - values.numel()]);  // [blocks*64]
        var weight = (values.view(blocks, BlockSize) * absmax.unsqueeze(1))  // [blocks, 64]
            .view(-1).narrow(0, 0, n).view(shape).to_type(dtype);
        return weight.MoveToOuterDisposeScope();
    }

    /// <summary>Levels of both nibbles of every byte value: [2b] = level[b &gt;&gt; 4], [2b+1] = level[b &amp; 15].</summary>
    private static readonly float[] PairLevels = Enumerable.Range(0, 512)
        .Select(i => Nf4Levels.Levels[i % 2 == 0 ? (i / 2) >> 4 : (i / 2) & 15]).ToArray();
}
