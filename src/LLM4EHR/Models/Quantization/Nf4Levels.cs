namespace LLM4EHR.Models.Quantization;

/// <summary>
/// The 16 NormalFloat-4 levels of bitsandbytes/QLoRA (quantiles of N(0,1) rescaled to [-1,1], with an exact 0),
/// code 0..15 in ascending order, and the decision thresholds between neighbours.
/// </summary>
public static class Nf4Levels
{
    /// <summary>Level of each 4-bit code; copied from bitsandbytes' NF4 table (functional.py / kernels.cu).</summary>
    public static IReadOnlyList<float> Levels { get; } =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020486831665f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    /// <summary>
    /// Midpoints between consecutive levels (computed in double, as bitsandbytes' dQuantizeNF4 constants are).
    /// A normalised value x gets code = number of midpoints m with x &gt; m, which is the bitsandbytes decision
    /// tree: exact ties go to the lower level, NaN (an all-zero block: 0 × 1/0) gives code 0.
    /// </summary>
    public static IReadOnlyList<float> Midpoints { get; } =
        Enumerable.Range(0, 15).Select(i => (float)(((double)Levels[i] + Levels[i + 1]) / 2.0)).ToArray();

    /// <summary>Nearest-level code of one normalised value (reference path; the quantizer vectorises this).</summary>
    public static byte Code(float normalized)
    {
        byte code = 0;
        for (int k = 0; k < 15; k++)
            if (normalized > Midpoints[k]) code++;
        return code;
    }
}
