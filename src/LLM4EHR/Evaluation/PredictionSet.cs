using LLM4EHR.Data;

namespace LLM4EHR.Evaluation;

/// <summary>
/// Test-set predictions of one task: per stay a name, the true 0/1 labels and predicted probabilities.
/// Labels and probabilities are stored row-major, [Count, LabelCount], one row per stay.
/// </summary>
public sealed class PredictionSet
{
    private readonly byte[] _labels;        // [Count * LabelCount], 0 or 1
    private readonly double[] _probabilities; // [Count * LabelCount], each in [0, 1]

    private PredictionSet(ClinicalTask task, string[] names, byte[] labels, double[] probabilities)
    {
        Task = task;
        Names = names;
        _labels = labels;
        _probabilities = probabilities;
    }

    public ClinicalTask Task { get; }
    public int LabelCount => Task.LabelCount();
    public int Count => Names.Count;
    public IReadOnlyList<string> Names { get; }

    /// <summary>Row-major [Count, LabelCount] labels (0/1).</summary>
    public ReadOnlySpan<byte> Labels => _labels;
    /// <summary>Row-major [Count, LabelCount] probabilities.</summary>
    public ReadOnlySpan<double> Probabilities => _probabilities;

    public int Label(int row, int label) => _labels[row * LabelCount + label];
    public double Probability(int row, int label) => _probabilities[row * LabelCount + label];

    /// <summary>
    /// Builds a set from row-major [names.Count, task.LabelCount()] labels (exactly 0 or 1) and probabilities
    /// (finite, in [0, 1]). Inconsistent arguments are a programming error (ArgumentException); files are
    /// validated with file/row/column context by <see cref="PredictionCsv"/> before they get here.
    /// </summary>
    public static PredictionSet FromProbabilities(
        ClinicalTask task, IReadOnlyList<string> names, ReadOnlySpan<double> labels, ReadOnlySpan<double> probabilities)
    {
        int k = task.LabelCount();
        int expected = names.Count * k;
        if (labels.Length != expected || probabilities.Length != expected)
            throw new ArgumentException(
                $"{task.Id()} predictions: expected {names.Count} x {k} = {expected} labels and probabilities, " +
                $"got {labels.Length} labels and {probabilities.Length} probabilities");
        var y = new byte[expected];
        var p = new double[expected];
        for (int i = 0; i < expected; i++)
        {
            double l = labels[i];
            if (l != 0.0 && l != 1.0)
                throw new ArgumentException($"{task.Id()} predictions: row {i / k} label {i % k}: {l} is not 0 or 1");
            double q = probabilities[i];
            if (!(q >= 0.0 && q <= 1.0))
                throw new ArgumentException($"{task.Id()} predictions: row {i / k} label {i % k}: probability {q} is outside [0,1]");
            y[i] = (byte)l;
            p[i] = q;
        }
        return new PredictionSet(task, names.ToArray(), y, p);
    }

    /// <summary>Float overload for trainers holding tensors' float32 data.</summary>
    public static PredictionSet FromProbabilities(
        ClinicalTask task, IReadOnlyList<string> names, ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities) =>
        FromProbabilities(task, names, Widen(labels), Widen(probabilities));

    /// <summary>Same as <see cref="FromProbabilities(ClinicalTask, IReadOnlyList{string}, ReadOnlySpan{double}, ReadOnlySpan{double})"/> from raw head outputs (sigmoid applied in double).</summary>
    public static PredictionSet FromLogits(
        ClinicalTask task, IReadOnlyList<string> names, ReadOnlySpan<float> labels, ReadOnlySpan<float> logits) =>
        FromProbabilities(task, names, Widen(labels), Sigmoid.Of(logits));

    /// <summary>Double overload of <see cref="FromLogits(ClinicalTask, IReadOnlyList{string}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    public static PredictionSet FromLogits(
        ClinicalTask task, IReadOnlyList<string> names, ReadOnlySpan<double> labels, ReadOnlySpan<double> logits) =>
        FromProbabilities(task, names, labels, Sigmoid.Of(logits));

    /// <summary>Labels of one column, [Count].</summary>
    public byte[] LabelColumn(int label)
    {
        var col = new byte[Count];
        for (int i = 0; i < col.Length; i++) col[i] = _labels[i * LabelCount + label];
        return col;
    }

    /// <summary>Probabilities of one column, [Count].</summary>
    public double[] ProbabilityColumn(int label)
    {
        var col = new double[Count];
        for (int i = 0; i < col.Length; i++) col[i] = _probabilities[i * LabelCount + label];
        return col;
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return d;
    }
}
