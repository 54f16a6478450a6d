using LLM4EHR.Data;

namespace LLM4EHR.Evaluation;

/// <summary>
/// Computes a task's headline metrics for any row weighting of one prediction set. The point estimate uses
/// weight 1 per stay; a bootstrap resample uses how often each stay was drawn. All sorting and thresholding
/// happens once here, so one evaluation is a few linear passes (see <see cref="RankedScores"/>).
/// </summary>
internal sealed class MetricEngine
{
    private readonly ClinicalTask _task;
    private readonly int _rows;
    private readonly int _labels;
    private readonly RankedScores[] _perLabel;   // [K]
    private readonly RankedScores? _micro;      // all K×N entries pooled; Pheno only
    private readonly byte[] _outcome;           // [N*K] 2·predicted + label: 0 TN, 1 FN, 2 FP, 3 TP
    private readonly byte[] _rowCorrect;        // [N] 1 when every label of the row is predicted right

    public MetricEngine(PredictionSet set, double threshold)
    {
        _task = set.Task;
        _rows = set.Count;
        _labels = set.LabelCount;
        var labels = set.Labels;
        var probs = set.Probabilities;
        var rowIds = new int[_rows];
        for (int i = 0; i < _rows; i++) rowIds[i] = i;

        _perLabel = new RankedScores[_labels];
        for (int j = 0; j < _labels; j++)
            _perLabel[j] = new RankedScores(set.ProbabilityColumn(j), set.LabelColumn(j), rowIds);

        if (_labels > 1)
        {
            var entryRows = new int[_rows * _labels];
            for (int e = 0; e < entryRows.Length; e++) entryRows[e] = e / _labels;
            _micro = new RankedScores(probs, labels, entryRows);
        }

        _outcome = new byte[_rows * _labels];
        _rowCorrect = new byte[_rows];
        for (int i = 0; i < _rows; i++)
        {
            bool allRight = true;
            for (int j = 0; j < _labels; j++)
            {
                int e = i * _labels + j;
                int predicted = probs[e] >= threshold ? 1 : 0;
                _outcome[e] = (byte)(2 * predicted + labels[e]);
                allRight &= predicted == labels[e];
            }
            _rowCorrect[i] = allRight ? (byte)1 : (byte)0;
        }
    }

    public IReadOnlyList<string> Keys => MetricKeys.Headline(_task);
    public int Rows => _rows;
    public int LabelCount => _labels;

    /// <summary>Per-label AUROC and AP for the given weights; NaN where the weighted data hold a single class.</summary>
    public (double Auroc, double AveragePrecision) LabelScore(int label, ReadOnlySpan<int> weights) =>
        _perLabel[label].Score(weights);

    public RankedScores LabelRanking(int label) => _perLabel[label];
    public RankedScores? MicroRanking => _micro;

    /// <summary>
    /// Writes the headline values in <see cref="Keys"/> order into <paramref name="values"/>; NaN marks a metric
    /// undefined under these weights (e.g. a resample without positives).
    /// </summary>
    /// <param name="weights">[N] non-negative row weights.</param>
    /// <param name="confusion">[K*4] scratch for per-label TN/FN/FP/TP counts.</param>
    public void Compute(ReadOnlySpan<int> weights, Span<double> values, Span<long> confusion)
    {
        confusion.Clear();
        long total = 0, rowsRight = 0;
        for (int i = 0; i < _rows; i++)
        {
            int w = weights[i];
            if (w == 0) continue;
            total += w;
            rowsRight += w * _rowCorrect[i];
            int baseEntry = i * _labels;
            for (int j = 0; j < _labels; j++)
                confusion[j * 4 + _outcome[baseEntry + j]] += w;
        }
        double accuracy = total == 0 ? double.NaN : (double)rowsRight / total;

        if (_task == ClinicalTask.Ihm)
        {
            var (auroc, ap) = _perLabel[0].Score(weights);
            values[0] = auroc;
            values[1] = ap;
            values[2] = BinaryMetrics.F1(confusion[3], confusion[2], confusion[1]);
            values[3] = accuracy;
            return;
        }

        double aurocSum = 0, apSum = 0, f1Sum = 0;
        int aurocCount = 0, apCount = 0;
        long tpAll = 0, fpAll = 0, fnAll = 0;
        for (int j = 0; j < _labels; j++)
        {
            var (auroc, ap) = _perLabel[j].Score(weights);
            // Macro means skip labels with a single class present (they have no ranking to score).
            if (!double.IsNaN(auroc)) { aurocSum += auroc; aurocCount++; apSum += ap; apCount++; }
            long tp = confusion[j * 4 + 3], fp = confusion[j * 4 + 2], fn = confusion[j * 4 + 1];
            f1Sum += BinaryMetrics.F1(tp, fp, fn); // sklearn's macro F1 averages every label (zero_division=0)
            tpAll += tp; fpAll += fp; fnAll += fn;
        }
        var (aurocMicro, apMicro) = _micro!.Score(weights);
        values[0] = aurocCount > 0 ? aurocSum / aurocCount : double.NaN;
        values[1] = aurocMicro;
        values[2] = apCount > 0 ? apSum / apCount : double.NaN;
        values[3] = apMicro;
        values[4] = f1Sum / _labels;
        values[5] = BinaryMetrics.F1(tpAll, fpAll, fnAll);
        values[6] = accuracy;
    }

    /// <summary>Per-label F1 at the threshold, unit weights.</summary>
    public double LabelF1(int label)
    {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < _rows; i++)
        {
            switch (_outcome[i * _labels + label])
            {
                case 3: tp++; break;
                case 2: fp++; break;
                case 1: fn++; break;
            }
        }
        return BinaryMetrics.F1(tp, fp, fn);
    }
}

/// <summary>
/// Metrics of one label. AUROC/AUPRC are null when the data hold a single class for this label
/// (such labels are left out of the macro means).
/// </summary>
public sealed record LabelMetrics(int Index, string Name, int Positives, int Negatives, double? Auroc, double? Auprc, double F1);
