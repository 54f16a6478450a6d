namespace LLM4EHR.Data;

/// <summary>
/// Value rules of a record's series beyond their shapes (errors in the reader's one-line style, naming the cell):
/// masks hold only 0 or 1; a value may be NaN only where its mask says "not observed" (NaN at an observed cell is a
/// broken file, not a missing value); every <c>ts_tt</c> time is finite. Zero-length irregular series are valid.
/// </summary>
internal static class P2xSeriesChecks
{
    public static void Regular(SeriesMatrix reg, FieldContext.Field f)
    {
        int v = P2xSchema.VariableCount;
        for (int r = 0; r < reg.Rows; r++)
            for (int j = 0; j < v; j++)
            {
                double mask = reg[r, v + j];
                if (mask != 0 && mask != 1)
                    throw f.Error($"row {r}, column {v + j} (mask of column {j}): expected 0 or 1, got {mask}");
                if (mask == 1 && double.IsNaN(reg[r, j]))
                    throw f.Error($"row {r}, column {j}: NaN where the mask (column {v + j}) says observed");
            }
    }

    public static void Irregular(SeriesMatrix values, SeriesMatrix mask, FieldContext.Field fValues, FieldContext.Field fMask)
    {
        for (int r = 0; r < mask.Rows; r++)
            for (int j = 0; j < mask.Cols; j++)
            {
                double m = mask[r, j];
                if (m != 0 && m != 1)
                    throw fMask.Error($"row {r}, column {j}: expected 0 or 1, got {m}");
                if (m == 1 && double.IsNaN(values[r, j]))
                    throw fValues.Error($"row {r}, column {j}: NaN where irg_ts_mask says observed");
            }
    }

    public static void Times(double[] times, FieldContext.Field f)
    {
        for (int i = 0; i < times.Length; i++)
            if (!double.IsFinite(times[i]))
                throw f.Error($"item {i}: expected a finite hour, got {times[i]}");
    }
}
