using System.Globalization;
using System.Text;
using LLM4EHR.Data;
using LLM4EHR.IO;

namespace LLM4EHR.Evaluation;

/// <summary>
/// The predictions CSV of the metrics fixtures (src/LLM4EHR.Tests/fixtures/README.md): IHM <c>name,label,prob</c>; Pheno
/// <c>name,label_0..label_24,prob_0..prob_24</c>. Columns are found by header name, so their order is free.
/// Every problem is a one-line <see cref="BadInputException"/> naming file, row (1 = first data row) and column.
/// </summary>
public static class PredictionCsv
{
    /// <summary>Header column names of a task, in the order <see cref="Write"/> uses.</summary>
    public static IReadOnlyList<string> Columns(ClinicalTask task)
    {
        var cols = new List<string> { "name" };
        cols.AddRange(LabelColumns(task));
        cols.AddRange(ProbColumns(task));
        return cols;
    }

    /// <summary>Reads a predictions file; the task comes from the header unless <paramref name="task"/> fixes it.</summary>
    public static PredictionSet Read(string path, ClinicalTask? task = null)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read: {e.Message}", e);
        }
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0]))
            throw new BadInputException($"{path}: empty file (expected a header line)");

        var header = CsvFields.Split(lines[0].TrimStart('\uFEFF'))
            ?? throw new BadInputException($"{path}: header: unclosed quote");
        header = header.Select(h => h.Trim()).ToList();
        var resolved = task ?? (header.Contains("label_0") || header.Contains("prob_0") ? ClinicalTask.Pheno : ClinicalTask.Ihm);
        int k = resolved.LabelCount();
        int nameCol = Find(path, header, "name", resolved);
        var labelCols = LabelColumns(resolved).Select(c => Find(path, header, c, resolved)).ToArray();
        var probCols = ProbColumns(resolved).Select(c => Find(path, header, c, resolved)).ToArray();

        var names = new List<string>();
        var labels = new List<double>();
        var probs = new List<double>();
        for (int line = 1; line < lines.Length; line++)
        {
            if (string.IsNullOrWhiteSpace(lines[line])) continue;
            int row = names.Count + 1;
            var fields = CsvFields.Split(lines[line])
                ?? throw new BadInputException($"{path}: row {row}: unclosed quote");
            if (fields.Count != header.Count)
                throw new BadInputException($"{path}: row {row}: expected {header.Count} fields, got {fields.Count}");
            string name = fields[nameCol];
            string where = $"{path}: row {row} ({name})";
            for (int j = 0; j < k; j++)
            {
                double label = ParseNumber(fields[labelCols[j]], where, header[labelCols[j]]);
                if (label != 0.0 && label != 1.0)
                    throw new BadInputException($"{where}: column {header[labelCols[j]]}: '{fields[labelCols[j]]}' is not 0 or 1");
                labels.Add(label);
            }
            for (int j = 0; j < k; j++)
            {
                double p = ParseNumber(fields[probCols[j]], where, header[probCols[j]]);
                if (!(p >= 0.0 && p <= 1.0))
                    throw new BadInputException($"{where}: column {header[probCols[j]]}: probability '{fields[probCols[j]]}' is outside [0,1]");
                probs.Add(p);
            }
            names.Add(name);
        }
        if (names.Count == 0)
            throw new BadInputException($"{path}: no data rows after the header");
        return PredictionSet.FromProbabilities(resolved, names, labels.ToArray(), probs.ToArray());
    }

    /// <summary>
    /// Writes a predictions file atomically. Probabilities use the shortest text that round-trips the double,
    /// so reading the file back gives identical metrics.
    /// </summary>
    public static void Write(string path, PredictionSet predictions)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns(predictions.Task))).Append('\n');
        int k = predictions.LabelCount;
        for (int i = 0; i < predictions.Count; i++)
        {
            sb.Append(CsvFields.Escape(predictions.Names[i]));
            for (int j = 0; j < k; j++)
                sb.Append(',').Append(predictions.Label(i, j).ToString(CultureInfo.InvariantCulture));
            for (int j = 0; j < k; j++)
                sb.Append(',').Append(predictions.Probability(i, j).ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static IEnumerable<string> LabelColumns(ClinicalTask task) =>
        task == ClinicalTask.Ihm ? ["label"] : Enumerable.Range(0, task.LabelCount()).Select(j => $"label_{j}");

    private static IEnumerable<string> ProbColumns(ClinicalTask task) =>
        task == ClinicalTask.Ihm ? ["prob"] : Enumerable.Range(0, task.LabelCount()).Select(j => $"prob_{j}");

    private static int Find(string path, List<string> header, string column, ClinicalTask task)
    {
        int index = header.IndexOf(column);
        if (index < 0)
            throw new BadInputException($"{path}: header: missing column '{column}' ({task.Id()} predictions need {Describe(task)})");
        return index;
    }

    private static string Describe(ClinicalTask task) =>
        task == ClinicalTask.Ihm ? "name,label,prob" : $"name,label_0..label_{task.LabelCount() - 1},prob_0..prob_{task.LabelCount() - 1}";

    private static double ParseNumber(string text, string where, string column)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new BadInputException($"{where}: column {column}: '{text}' is not a number");
        return value;
    }
}
