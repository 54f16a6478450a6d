using System.Globalization;
using System.Text.Json;

namespace LLM4EHR.Training;

/// <summary>
/// A run's log.jsonl read back (for loss curves and per-epoch tables). The trainer writes it; resume truncates it
/// to the checkpoint, so each step and epoch appears once.
/// </summary>
public sealed record TrainingHistory(IReadOnlyList<TrainingStepRecord> Steps, IReadOnlyList<TrainingEpochRecord> Epochs)
{
    /// <summary>Reads <c>RUN_DIR/log.jsonl</c>.</summary>
    public static TrainingHistory ReadRun(string runDir) => Read(RunLayout.Log(runDir));

    /// <summary>Reads a log.jsonl file; a malformed line is a <see cref="BadInputException"/> naming file and line.</summary>
    public static TrainingHistory Read(string path)
    {
        if (!File.Exists(path))
            throw new BadInputException($"{path}: training log not found");
        var steps = new List<TrainingStepRecord>();
        var epochs = new List<TrainingEpochRecord>();
        int lineNumber = 0;
        // FileShare.ReadWrite: a notebook may read the log of a run that is still writing it.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                switch (r.GetProperty("type").GetString())
                {
                    case "step":
                        steps.Add(new TrainingStepRecord(r.GetProperty("step").GetInt64(), r.GetProperty("epoch").GetInt32(),
                            Number(r, "loss"), Number(r, "lr"), Number(r, "tokens_per_s"), Number(r, "grad_norm"))
                        { Seconds = Number(r, "seconds") });
                        break;
                    case "epoch":
                        var val = new Dictionary<string, double>();
                        if (r.TryGetProperty("val", out var v))
                            foreach (var m in v.EnumerateObject())
                                val[m.Name] = Number(m.Value);
                        epochs.Add(new TrainingEpochRecord(r.GetProperty("epoch").GetInt32(), r.GetProperty("step").GetInt64(),
                            Number(r, "train_loss"), val,
                            r.TryGetProperty("improved", out var imp) && imp.GetBoolean(),
                            r.TryGetProperty("best_epoch", out var best) ? best.GetInt32() : null));
                        break;
                    // Unknown record types are skipped: newer trainers may log more.
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new BadInputException($"{Path.GetFileName(path)}: line {lineNumber}: {e.Message}", e);
            }
        }
        return new TrainingHistory(steps, epochs);
    }

    private static double Number(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) ? Number(value) : double.NaN;

    // The trainer writes NaN/Infinity as JSON strings (AllowNamedFloatingPointLiterals).
    private static double Number(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : value.GetDouble();
}

/// <summary>
/// One <c>"type": "epoch"</c> line of log.jsonl. <see cref="Val"/> holds the validation metrics (with "loss") of
/// epochs that were evaluated; it is empty for epochs skipped by <c>eval_every</c>.
/// </summary>
public sealed record TrainingEpochRecord(int Epoch, long Step, double TrainLoss, IReadOnlyDictionary<string, double> Val, bool Improved, int? BestEpoch);

/// <summary>
/// One <c>"type": "step"</c> line of log.jsonl: an optimizer step (steps count over the whole run).
/// <see cref="Seconds"/> is the step's wall time (NaN in logs written before it was recorded).
/// </summary>
public sealed record TrainingStepRecord(long Step, int Epoch, double Loss, double LearningRate, double TokensPerSecond, double GradNorm)
{
    public double Seconds { get; init; } = double.NaN;
}
