namespace LLM4EHR.Evaluation;

/// <summary>Logit → probability, for trainers that hand over raw head outputs.</summary>
public static class Sigmoid
{
    /// <summary>
    /// 1 / (1 + e^-x), written in the two branch form so that large |x| neither overflows exp nor loses the
    /// small tail probability to cancellation (e.g. x = -40 gives 4.2e-18, not 0).
    /// </summary>
    public static double Of(double x)
    {
        if (x >= 0)
            return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>Element-wise <see cref="Of(double)"/>.</summary>
    public static double[] Of(ReadOnlySpan<float> logits)
    {
        var p = new double[logits.Length];
        for (int i = 0; i < p.Length; i++)
            p[i] = Of(logits[i]);
        return p;
    }

    /// <summary>Element-wise <see cref="Of(double)"/>.</summary>
    public static double[] Of(ReadOnlySpan<double> logits)
    {
        var p = new double[logits.Length];
        for (int i = 0; i < p.Length; i++)
            p[i] = Of(logits[i]);
        return p;
    }
}
