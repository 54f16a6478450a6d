namespace LLM4EHR.Data;

/// <summary>
/// An immutable row-major [Rows × Cols] matrix of a stay's time series (NaN kept where the file has NaN).
/// Values are widened to double on load so sums match NumPy's float64 reductions.
/// </summary>
public sealed class SeriesMatrix : IEquatable<SeriesMatrix>
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

    /// <summary>Same shape and bit-identical values (NaN equals NaN), so round trips compare exactly.</summary>
    public bool Equals(SeriesMatrix? other) =>
        other is not null && Rows == other.Rows && Cols == other.Cols
        && System.Runtime.InteropServices.MemoryMarshal.AsBytes(Values).SequenceEqual(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(other.Values));

    public override bool Equals(object? obj) => Equals(obj as SeriesMatrix);

    public override int GetHashCode() => HashCode.Combine(Rows, Cols);
}
