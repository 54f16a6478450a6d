namespace LLM4EHR.Evaluation;

/// <summary>Calibration measures of probabilities against 0/1 outcomes.</summary>
public static class Calibration
{
    public static CalibrationSummary Compute(ReadOnlySpan<byte> labels, ReadOnlySpan<double> probabilities, int bins = 15)
    {
        if (labels.Length != probabilities.Length)
            throw new ArgumentException($"labels ({labels.Length}) and probabilities ({probabilities.Length}) differ in length");
        if (bins < 1)
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "need at least one bin");
        int n = labels.Length;
        var count = new int[bins];
        var sumP = new double[bins];
        var sumY = new double[bins];
        double squared = 0;
        for (int i = 0; i < n; i++)
        {
            double p = probabilities[i];
            double y = labels[i];
            squared += (p - y) * (p - y);
            // Bin b holds [b/B, (b+1)/B); p = 1 belongs to the last bin.
            int b = Math.Min((int)(p * bins), bins - 1);
            count[b]++;
            sumP[b] += p;
            sumY[b] += y;
        }
        double ece = 0;
        var points = new List<ReliabilityBin>();
        for (int b = 0; b < bins; b++)
        {
            if (count[b] == 0) continue;
            double meanP = sumP[b] / count[b], fraction = sumY[b] / count[b];
            ece += (double)count[b] / n * Math.Abs(fraction - meanP);
            points.Add(new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b], meanP, fraction));
        }
        return n == 0
            ? new CalibrationSummary(double.NaN, double.NaN, bins, points)
            : new CalibrationSummary(squared / n, ece, bins, points);
    }
}

/// <summary>
/// Brier score, expected calibration error (equal-width bins, |fraction positive − mean predicted| weighted by
/// bin share) and the reliability-curve points. For Pheno every (stay, label) pair counts as one prediction.
/// </summary>
public sealed record CalibrationSummary(double Brier, double Ece, int Bins, IReadOnlyList<ReliabilityBin> Reliability);

/// <summary>One non-empty probability bin of a reliability diagram: [Lower, Upper), the last bin closed.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanPredicted, double FractionPositive);
