using LLM4EHR.Data;

namespace LLM4EHR.Evaluation;

/// <summary>
/// Seeded fake predictions with realistic shape, for benchmarks and tests (never real MIMIC data): per label a
/// prevalence between 5% and 40%, scores that separate the classes moderately, rounded so that ties occur.
/// </summary>
public static class SyntheticPredictions
{
    /// <param name="decimals">Rounding of the probabilities (creates ties); null keeps full precision.</param>
    public static PredictionSet Generate(ClinicalTask task, int stays, int seed, int? decimals = 3)
    {
        var rng = new Random(seed);
        int k = task.LabelCount();
        var prevalence = new double[k];
        for (int j = 0; j < k; j++) prevalence[j] = 0.05 + 0.35 * rng.NextDouble();
        var names = new string[stays];
        var labels = new double[stays * k];
        var probs = new double[stays * k];
        for (int i = 0; i < stays; i++)
        {
            names[i] = $"{i}_episode1_timeseries.csv";
            for (int j = 0; j < k; j++)
            {
                int y = rng.NextDouble() < prevalence[j] ? 1 : 0;
                // Logit: class shift ±1 plus standard normal noise (Box-Muller) → AUROC around 0.9.
                double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                double logit = Math.Log(prevalence[j] / (1 - prevalence[j])) + (y == 1 ? 1.5 : -0.5) + noise;
                labels[i * k + j] = y;
                double p = Sigmoid.Of(logit);
                probs[i * k + j] = decimals is { } d ? Math.Round(p, d) : p;
            }
        }
        return PredictionSet.FromProbabilities(task, names, labels, probs);
    }
}
