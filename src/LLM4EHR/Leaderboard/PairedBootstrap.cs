using LLM4EHR.Evaluation;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Paired bootstrap over stays: every resample draws the same stays (with replacement) for both models and takes the
/// difference of each headline metric. The two runs of <see cref="BootstrapSampler"/> share the seed, and its per-resample
/// weights depend only on (seed, resample, stay count), so both models see identical resamples.
/// p-value: the shifted-null test, p = (1 + #{b : |Δ_b − Δ| ≥ |Δ|}) / (1 + B), B the resamples where both are defined
/// (so p = 1 when the models agree, and never 0).
/// </summary>
public static class PairedBootstrap
{
    public static IReadOnlyList<PairedDifference> Compare(PredictionSet model, PredictionSet reference, int resamples, int seed,
        double threshold = 0.5, CancellationToken cancellationToken = default)
    {
        if (model.Task != reference.Task || model.Count != reference.Count)
            throw new ArgumentException("a paired bootstrap needs the same task and stays");
        var a = new MetricEngine(model, threshold);
        var b = new MetricEngine(reference, threshold);
        var ones = BinaryMetrics.Ones(model.Count);
        var pointA = new double[a.Keys.Count];
        var pointB = new double[b.Keys.Count];
        a.Compute(ones, pointA, new long[a.LabelCount * 4]);
        b.Compute(ones, pointB, new long[b.LabelCount * 4]);
        var runsA = BootstrapSampler.Run(a, resamples, seed, -1, cancellationToken: cancellationToken);
        var runsB = BootstrapSampler.Run(b, resamples, seed, -1, cancellationToken: cancellationToken);

        var result = new List<PairedDifference>(a.Keys.Count);
        for (int k = 0; k < a.Keys.Count; k++)
        {
            double observed = pointA[k] - pointB[k];
            var deltas = new double[resamples][];
            int extreme = 0, valid = 0;
            for (int r = 0; r < resamples; r++)
            {
                double d = runsA[r][k] - runsB[r][k];
                deltas[r] = [d];
                if (double.IsNaN(d)) continue;
                valid++;
                if (Math.Abs(d - observed) >= Math.Abs(observed)) extreme++;
            }
            double p = double.IsNaN(observed) ? double.NaN : (1.0 + extreme) / (1.0 + valid);
            result.Add(new PairedDifference(a.Keys[k], observed, BootstrapSampler.Interval(deltas, 0, 2.5, 97.5), p));
        }
        return result;
    }
}

/// <summary>
/// A paired bootstrap comparison of one metric: <see cref="Difference"/> = model − reference on all stays, its
/// percentile interval over the resamples, and the two-sided p-value (see <see cref="PairedBootstrap"/>).
/// </summary>
public sealed record PairedDifference(string Key, double Difference, ConfidenceInterval Interval, double P);
