namespace LLM4EHR.Models.Quantization;

/// <summary>
/// <c>torch.linspace(start, end, steps, dtype=torch.float32)</c> on an x86-64 CPU as torch 1.x computes it, value
/// for value: the kernel (aten RangeFactoriesKernel, AVX2 build, FMA contraction) that bitsandbytes' dynamic map
/// (<see cref="DynamicMap"/>) was built with in the shared nf4-dq fixture. Later torch dropped the vector path
/// (pytorch#89048); its values, and the libtorch 2.10 this project links, differ from these by one ulp at some
/// positions once there are 16 steps or more (42 of the 256 map values).
/// <list type="bullet">
/// <item>step = (end − start) / (steps − 1) in float32;</item>
/// <item>element i of the first half is fma(step, i, start), of the second half fma(−step, steps − 1 − i, end),
/// so both end points are exact (scalar path, and the base of every vector);</item>
/// <item>the vector path fills 2 × 8 lanes per iteration while at least 16 elements remain: lane j of the vector
/// starting at i is base(i) + j·step (a product, then a sum: no FMA); the remainder takes the scalar path.</item>
/// </list>
/// </summary>
internal static class TorchLinspace
{
    // AVX2: 8 float lanes, and the loop stores two vectors per iteration.
    private const int Lanes = 8;

    public static float[] Float32(float start, float end, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "at least 2 steps");
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        float Scalar(int i) => i < halfway
            ? MathF.FusedMultiplyAdd(step, i, start)
            : MathF.FusedMultiplyAdd(-step, steps - 1 - i, end);

        var values = new float[steps];
        int next = 0;
        for (; next + 2 * Lanes <= steps; next += 2 * Lanes)
            for (int vector = next; vector < next + 2 * Lanes; vector += Lanes)
            {
                float baseValue = Scalar(vector);
                for (int j = 0; j < Lanes; j++)
                {
                    float offset = j * step;             // rounded on its own, as Vectorized<float>::arange does
                    values[vector + j] = baseValue + offset;
                }
            }
        for (; next < steps; next++)
            values[next] = Scalar(next);
        return values;
    }
}
