namespace LLM4EHR.Data;

/// <summary>
/// An immutable row-major [Rows × Cols] matrix of a stay's time series (NaN kept where the file has NaN).
/// Values are widened to double on load so sums match NumPy's float64 reductions.
/// </summary>
public sealed class SeriesMatrix
{
    private readonly double[] _values;

    public SeriesMatrix(int rows, int cols, double[] values)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != values.Length)
            throw new ArgumentException($"matrix [{rows},{cols}] needs {(long)rows * cols} values, got {values.Length}");
        Rows = rows;
        Cols = cols;
        _values = values;
    }

    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Row-major values.</summary>
    public ReadOnlySpan<double> Values => _values;

    public double this[int row, int col] => _values[row * Cols + col];

    public ReadOnlySpan<double> Row(int row) => _values.AsSpan(row * Cols, Cols);

    public static SeriesMatrix Empty(int cols) => new(0, cols, Array.Empty<double>());
}
