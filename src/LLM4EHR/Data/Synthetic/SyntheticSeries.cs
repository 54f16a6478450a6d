namespace LLM4EHR.Data.Synthetic;

/// <summary>
/// Time series of a synthetic stay with realistic missingness: each of the 17 variables has its own
/// observation rate (vitals often, labs rarely). <c>reg_ts</c> holds hourly values (forward-filled, 0 before
/// the first observation, as the p2x preprocessing imputes) then the 17 masks; <c>irg_ts</c> holds raw
/// events with 0 where a variable was not measured.
/// </summary>
internal static class SyntheticSeries
{
    // Per-variable chance of being observed in an hour (mimic3-benchmarks order: capillary refill ... weight).
    private static readonly double[] ObservedRate =
        [0.02, 0.55, 0.25, 0.90, 0.25, 0.25, 0.25, 0.30, 0.92, 0.10, 0.90, 0.15, 0.88, 0.93, 0.60, 0.05, 0.08];

    public static (SeriesMatrix Regular, SeriesMatrix Irregular, SeriesMatrix Mask, double[] Times) Generate(
        Random rng, int hours, double severity)
    {
        const int v = P2xSchema.VariableCount;
        // Hidden normalized state per variable: AR(1) drift; sicker stays drift away from 0.
        var level = new double[v];
        for (int j = 0; j < v; j++)
            level[j] = Gaussian(rng) * 0.5 + severity * (j % 3 == 0 ? 0.6 : 0.2);

        var regular = new double[hours * P2xSchema.RegularColumns]; // [hours × 34]
        var last = new double[v];
        for (int h = 0; h < hours; h++)
            for (int j = 0; j < v; j++)
            {
                level[j] = 0.85 * level[j] + 0.35 * Gaussian(rng) + 0.05 * severity;
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

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
