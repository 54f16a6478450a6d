namespace LLM4EHR.Data;

/// <summary>Per-stay figures shared by the split summary and the DataFrame views.</summary>
internal static class P2xStayStats
{
    /// <summary>Mask cells of <c>reg_ts</c> (its right half) and how many of them are 0 (not observed).</summary>
    public static (long Cells, long Missing) MaskCounts(IcuStay stay)
    {
        var reg = stay.RegularSeries;
        int variables = reg.Cols / 2;
        long missing = 0;
        for (int r = 0; r < reg.Rows; r++)
        {
            var mask = reg.Row(r)[variables..];
            foreach (var m in mask)
                if (m == 0) missing++;
        }
        return ((long)reg.Rows * variables, missing);
    }

    public static int NoteChars(IcuStay stay)
    {
        int chars = 0;
        foreach (var note in stay.Notes)
            chars += note.Text.Length;
        return chars;
    }
}
