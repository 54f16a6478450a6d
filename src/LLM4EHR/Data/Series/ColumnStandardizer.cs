using System.Text.Json;
using System.Text.Json.Nodes;
using LLM4EHR.IO;

namespace LLM4EHR.Data.Series;

/// <summary>
/// Per-column mean and standard deviation (population, ddof 0) over the values a split observed, fitted on the
/// train split only and saved in the run folder, so validation, test and a later <c>test</c> command scale with the
/// same numbers and no statistic of val/test leaks into training. NaN marks a missing value: it is left out of the
/// fit and standardizes to 0, the train mean (mean imputation, explicit). A column never observed in train keeps
/// mean 0 and std 1; a constant one std 1, so scaling never divides by zero.
/// </summary>
public sealed record ColumnStandardizer(string Kind, IReadOnlyList<string> Columns, double[] Mean, double[] Std, long[] Count)
{
    /// <summary>Fits on rows of <paramref name="columns"/>.Count values each (NaN = missing). Sums in double, as NumPy's float64.</summary>
    public static ColumnStandardizer Fit(string kind, IReadOnlyList<string> columns, IEnumerable<double[]> rows)
    {
        int c = columns.Count;
        var sum = new double[c];
        var count = new long[c];
        var materialized = rows as IReadOnlyList<double[]> ?? rows.ToList();
        foreach (var row in materialized)
            for (int j = 0; j < c; j++)
                if (!double.IsNaN(row[j])) { sum[j] += row[j]; count[j]++; }
        var mean = new double[c];
        for (int j = 0; j < c; j++)
            mean[j] = count[j] > 0 ? sum[j] / count[j] : 0;
        var squares = new double[c];
        foreach (var row in materialized) // two passes, like numpy.std: no cancellation from E[x²] − E[x]²
            for (int j = 0; j < c; j++)
                if (!double.IsNaN(row[j])) { double d = row[j] - mean[j]; squares[j] += d * d; }
        var std = new double[c];
        for (int j = 0; j < c; j++)
        {
            double s = count[j] > 0 ? Math.Sqrt(squares[j] / count[j]) : 0;
            std[j] = s > 0 ? s : 1;
        }
        return new ColumnStandardizer(kind, columns, mean, std, count);
    }

    /// <summary>(value − mean) / std of column <paramref name="column"/>; NaN (missing) gives 0, the train mean.</summary>
    public double Scale(int column, double value) =>
        double.IsNaN(value) ? 0 : (value - Mean[column]) / Std[column];

    public const string FileName = "series-standardizer.json";

    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["fitted_on"] = "train",
            ["columns"] = new JsonArray([.. Columns.Select(n => (JsonNode?)n)]),
            ["mean"] = new JsonArray([.. Mean.Select(v => (JsonNode?)v)]),
            ["std"] = new JsonArray([.. Std.Select(v => (JsonNode?)v)]),
            ["count"] = new JsonArray([.. Count.Select(v => (JsonNode?)v)]),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads a saved standardizer; its kind and columns must be the ones the model expects.</summary>
    public static ColumnStandardizer Load(string path, string kind, IReadOnlyList<string> columns)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path))
            throw new BadInputException($"{path}: the run's series standardizer is missing (it is written when training starts)");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            string savedKind = (string?)json["kind"] ?? "";
            var savedColumns = json["columns"]!.AsArray().Select(n => (string)n!).ToList();
            if (savedKind != kind || !savedColumns.SequenceEqual(columns))
                throw new BadInputException($"{name}: kind: standardizer of '{savedKind}' with {savedColumns.Count} columns, the model expects '{kind}' with {columns.Count}");
            double[] Doubles(string key) => [.. json[key]!.AsArray().Select(n => (double)n!)];
            var std = Doubles("std");
            var mean = Doubles("mean");
            long[] count = [.. json["count"]!.AsArray().Select(n => (long)n!)];
            if (mean.Length != columns.Count || std.Length != columns.Count || count.Length != columns.Count)
                throw new BadInputException($"{name}: mean/std/count: expected {columns.Count} values each");
            if (std.Any(s => !(s > 0) || double.IsInfinity(s)) || mean.Any(m => !double.IsFinite(m)))
                throw new BadInputException($"{name}: std: every std must be finite and > 0, every mean finite");
            return new ColumnStandardizer(kind, columns, mean, std, count);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new BadInputException($"{name}: not a series standardizer ({e.Message})", e);
        }
    }
}
