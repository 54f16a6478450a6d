namespace LLM4EHR.Data.Series;

/// <summary>
/// What the sequence models (LSTM, CNN, fusion) read from a stay's <c>reg_ts</c>: [hours, 34] float32, the 17 channel
/// values standardized with the train split's statistics, then the 17 observation masks (0/1) as they are.
/// Missing values, explicitly: the file's value is used only where the mask is 1; at a mask-0 hour the last observed
/// standardized value is carried forward (the p2x imputation, redone here so a file's own fill value never matters),
/// and before the first observation, or for a channel never observed in the stay, the value is 0, the train mean.
/// </summary>
public static class RegularSeriesInputs
{
    public const string Kind = "reg_ts";

    /// <summary>34 input channels: the 17 values then <c>mask/</c> + each name.</summary>
    public static int Width => 2 * SeriesChannels.Count;

    /// <summary>Fits the value statistics on the observed cells (mask 1) of the train stays only.</summary>
    public static ColumnStandardizer Fit(IEnumerable<IcuStay> trainStays) =>
        ColumnStandardizer.Fit(Kind, SeriesChannels.Names, trainStays.SelectMany(ObservedRows));

    /// <summary>[hours × 34] row-major float32 for one stay.</summary>
    public static float[] Build(IcuStay stay, ColumnStandardizer standardizer)
    {
        var reg = stay.RegularSeries;
        int c = SeriesChannels.Count, width = Width;
        var output = new float[reg.Rows * width];
        for (int channel = 0; channel < c; channel++)
        {
            double carried = 0; // the train mean, standardized, until the first observation
            for (int r = 0; r < reg.Rows; r++)
            {
                bool seen = reg[r, SeriesChannels.MaskColumn(channel)] == 1;
                if (seen)
                    carried = standardizer.Scale(channel, reg[r, channel]);
                output[r * width + channel] = (float)carried;
                output[r * width + c + channel] = seen ? 1f : 0f;
            }
        }
        return output;
    }

    // One row per hour: the observed values, NaN where the mask is 0.
    private static IEnumerable<double[]> ObservedRows(IcuStay stay)
    {
        var reg = stay.RegularSeries;
        for (int r = 0; r < reg.Rows; r++)
        {
            var row = new double[SeriesChannels.Count];
            for (int j = 0; j < row.Length; j++)
                row[j] = reg[r, SeriesChannels.MaskColumn(j)] == 1 ? reg[r, j] : double.NaN;
            yield return row;
        }
    }
}
