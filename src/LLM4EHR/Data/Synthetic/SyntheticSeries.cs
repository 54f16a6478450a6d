namespace LLM4EHR.Data.Synthetic;

/// <summary>
/// Time series of a synthetic stay with realistic missingness: each of the 17 variables has its own
/// observation rate (vitals often, labs rarely). <c>reg_ts</c> holds hourly values (forward-filled, 0 before
/// the first observation, as the p2x preprocessing imputes) then the 17 masks; <c>irg_ts</c> holds raw
/// events with 0 where a variable was not measured. The series carry their own signal (see <see cref="Signal"/>),
/// independent of what the notes say.
/// </summary>
internal static class SyntheticSeries
{
    // Per-variable chance of being observed in an hour (mimic3-benchmarks order: capillary refill ... weight).
    private static readonly double[] ObservedRate =
        [0.02, 0.55, 0.25, 0.90, 0.25, 0.25, 0.25, 0.30, 0.92, 0.10, 0.90, 0.15, 0.88, 0.93, 0.60, 0.05, 0.08];

    // Vitals a sick stay pushes up (+1) or down (-1): diastolic BP, GCS eye, heart rate, mean BP, respiratory rate,
    // systolic BP, temperature (indexes in SeriesChannels order); the others carry no severity.
    private static readonly (int Channel, int Sign)[] SeverityChannels = [(1, -1), (3, -1), (8, 1), (10, -1), (12, 1), (13, -1), (14, 1)];

    // Often-observed channels a Pheno series cause shifts: label k moves channel PhenoChannels[k % 11], up for
    // k / 11 even, down otherwise.
    private static readonly int[] PhenoChannels = [8, 13, 10, 12, 3, 1, 14, 7, 2, 4, 5];

    /// <summary>What the series of one stay carry.</summary>
    /// <param name="Severity">IHM severity s (~N(0,1)): the stationary level of the severity vitals moves by 0.53·s (drift 0.08·s per hour over 1 − 0.85).</param>
    /// <param name="Shifted">Pheno labels whose series cause is present: each moves its channel's level by 1.</param>
    public readonly record struct Signal(double Severity, IReadOnlyList<int> Shifted);

    public static (SeriesMatrix Regular, SeriesMatrix Irregular, SeriesMatrix Mask, double[] Times) Generate(
        Random rng, int hours, Signal signal)
    {
        const int v = P2xSchema.VariableCount;
        // Per-hour drift toward each variable's stationary level (AR(1) with coefficient 0.85: level / 0.15).
        var drift = new double[v];
        foreach (var (channel, sign) in SeverityChannels)
            drift[channel] += 0.08 * sign * signal.Severity;
        foreach (int k in signal.Shifted)
            drift[PhenoChannels[k % PhenoChannels.Length]] += (k / PhenoChannels.Length % 2 == 0 ? 1 : -1) * 0.15;
        // Hidden normalized state per variable: AR(1) around its stationary level.
        var level = new double[v];
        for (int j = 0; j < v; j++)
            level[j] = Gaussian(rng) * 0.5 + drift[j] / 0.15;
        double severity = signal.Severity;

        var regular = new double[hours * P2xSchema.RegularColumns]; // [hours × 34]
        var last = new double[v];
        for (int h = 0; h < hours; h++)
            for (int j = 0; j < v; j++)
            {
                level[j] = 0.85 * level[j] + 0.35 * Gaussian(rng) + drift[j];
                bool seen = rng.NextDouble() < ObservedRate[j];
                if (seen)
                    last[j] = Math.Round(level[j], 6);
                regular[h * P2xSchema.RegularColumns + j] = last[j];
                regular[h * P2xSchema.RegularColumns + v + j] = seen ? 1 : 0;
            }

        int events = rng.Next(3, 3 * hours / 2);
        var times = new double[events];
        for (int i = 0; i < events; i++)
            times[i] = Math.Round(rng.NextDouble() * hours, 4);
        Array.Sort(times);
        var irregular = new double[events * v]; // [events × 17]
        var mask = new double[events * v];
        for (int i = 0; i < events; i++)
        {
            int forced = rng.Next(v); // every event measures at least one variable
            for (int j = 0; j < v; j++)
                if (j == forced || rng.NextDouble() < ObservedRate[j] * 0.5)
                {
                    irregular[i * v + j] = Math.Round(Gaussian(rng) * 0.8 + severity * 0.3, 6);
                    mask[i * v + j] = 1;
                }
        }
        return (new SeriesMatrix(hours, P2xSchema.RegularColumns, regular),
            new SeriesMatrix(events, v, irregular), new SeriesMatrix(events, v, mask), times);
    }

    internal static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
