namespace LLM4EHR.Training;

/// <summary>Model outputs for a split, in the split's order: rows are stays, columns labels ([N, K] each).</summary>
public sealed record Predictions(IReadOnlyList<string> Names, float[][] Logits, float[][] Probabilities, float[][] Labels)
{
    /// <summary>Mean binary cross-entropy of the logits (the stable log-sum-exp form, in double).</summary>
    public double MeanBce()
    {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < Logits.Length; i++)
            for (int k = 0; k < Logits[i].Length; k++, n++)
            {
                double x = Logits[i][k], y = Labels[i][k];
                sum += Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            }
        return n == 0 ? double.NaN : sum / n;
    }
}
