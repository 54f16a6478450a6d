namespace LLM4EHR.Models.Quantization;

/// <summary>
/// bitsandbytes' signed 8-bit dynamic quantization map, <c>create_dynamic_map(signed=True, max_exponent_bits=7,
/// total_bits=8)</c>: for each decade e = 0..6, the 2^e midpoints of <c>linspace(0.1, 1, 2^e + 1)</c> (float32),
/// scaled by ±10^(e−6) in float32, then 0 and 1, sorted: 256 values in [−0.99297, 1]. Dense near 0 and sparse
/// near ±1, which suits values that are mostly small. QLoRA's double quantization codes the centred block absmax
/// values with it (<see cref="DoubleQuantizedScales"/>).
/// </summary>
public static class DynamicMap
{
    // 10^(e−6) for e = 0..6, as Python's 10 ** (e - 6): the nearest double, cast to float32 where it scales a tensor.
    private static readonly double[] Decades = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0];

    /// <summary>The 256 map values, ascending; a code is an index into this list.</summary>
    public static IReadOnlyList<float> Values { get; } = Build();

    private static float[] Build()
    {
        var data = new List<float>(256);
        for (int e = 0; e < Decades.Length; e++)
        {
            var boundaries = TorchLinspace.Float32(0.1f, 1f, (1 << e) + 1);
            float scale = (float)Decades[e];
            for (int sign = 1; sign >= -1; sign -= 2)
                for (int k = 0; k + 1 < boundaries.Length; k++)
                {
                    float mean = (boundaries[k] + boundaries[k + 1]) / 2f;
                    data.Add(sign * scale * mean);
                }
        }
        data.Add(0f);
        data.Add(1f);
        data.Sort();
        return data.ToArray();
    }

    /// <summary>
    /// The code of <paramref name="x"/> (normally in [−1, 1]): bitsandbytes' nearest-value search
    /// (<c>dQuantize</c> of kQuantizeBlockwise): a 7-step binary search from index 127 brackets x, then x goes to the
    /// nearer neighbour by the float32 midpoint, an exact tie to the index the search ended on. NaN gives code 0.
    /// </summary>
    public static byte Code(float x)
    {
        var map = Values;
        int pivot = 127, upperPivot = 255, lowerPivot = 0;
        float lower = -1f, upper = 1f;
        float value = map[pivot];
        for (int step = 64; step > 0; step >>= 1)
        {
            if (x > value)
            {
                lowerPivot = pivot;
                lower = value;
                pivot += step;
            }
            else
            {
                upperPivot = pivot;
                upper = value;
                pivot -= step;
            }
            value = map[pivot];
        }
        if (upperPivot == 255) upper = map[255];
        if (lowerPivot == 0) lower = map[0];
        if (x > value)
            return (byte)(x > (upper + value) * 0.5f ? upperPivot : pivot);
        return (byte)(x < (lower + value) * 0.5f ? lowerPivot : pivot);
    }
}
