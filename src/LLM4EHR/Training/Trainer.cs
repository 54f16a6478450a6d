using LLM4EHR.Config;
using LLM4EHR.Models;
using LLM4EHR.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Training;

/// <summary>
/// Fine-tunes an <see cref="ISequenceClassifier"/>'s trainable parameters with AdamW (PyTorch semantics, weight decay
/// on everything but biases and norms, as Hugging Face's Trainer does), a linear warmup/decay schedule counted in
/// optimizer steps, gradient accumulation (each micro-batch loss divided by the micro-batches in its group, so an
/// optimizer step sees the mean loss), and global-norm clipping. Validation every <c>eval_every</c> epochs picks
/// the best checkpoint; early stopping is optional. Everything is seeded: on CPU a run interrupted and resumed
/// gives bit-identical weights to an uninterrupted one.
/// </summary>
public sealed class Trainer
{
    internal ISequenceClassifier Model { get; }
    internal TrainingSettings Settings { get; }
    internal string RunDir { get; }
    internal Func<IReadOnlyList<TokenizedStay>, StayBatch> Collate { get; }
    internal Func<float[][], float[][], IReadOnlyDictionary<string, double>> Metrics { get; }
    internal Device Device { get; }
    /// <summary>How training batches are planned (shuffled per seed and epoch; bucketed by length unless turned off).</summary>
    internal BatchingSettings Batching { get; }

    /// <param name="collate">Pads stays into a CPU batch (the text pipeline's collator).</param>
    /// <param name="metrics">Scores validation probabilities [N,K] against labels [N,K]; must contain the configured best metric
    /// (the trainer adds <c>loss</c>, the mean validation BCE).</param>
    /// <param name="device">Where the model lives (batches are moved there); CPU when null.</param>
    public Trainer(ISequenceClassifier model, TrainingSettings settings, string runDirectory,
        Func<IReadOnlyList<TokenizedStay>, StayBatch> collate,
        Func<float[][], float[][], IReadOnlyDictionary<string, double>> metrics,
        Device? device = null, bool bucketByLength = true)
    {
        Model = model;
        Settings = settings;
        RunDir = runDirectory;
        Collate = collate;
        Metrics = metrics;
        Device = device ?? CPU;
        Batching = new BatchingSettings { BatchSize = settings.BatchSize, Shuffle = true, BucketByLength = bucketByLength, Seed = settings.Seed };
    }

    /// <summary>Optimizer steps a full run takes: epochs × ceil(batches per epoch / grad_accum).</summary>
    public long TotalSteps(int trainCount) => TotalSteps(Settings, trainCount);

    /// <summary>Optimizer steps a run with <paramref name="settings"/> takes over <paramref name="trainCount"/> stays.</summary>
    public static long TotalSteps(TrainingSettings settings, int trainCount) =>
        (long)settings.Epochs * GroupsPerEpoch(settings, trainCount);

    private static int GroupsPerEpoch(TrainingSettings settings, int trainCount) =>
        (int)Math.Ceiling(Math.Ceiling(trainCount / (double)settings.BatchSize) / settings.GradAccum);

    /// <summary>
    /// Trains (or, with <paramref name="resume"/>, continues from checkpoints/last.safetensors). Cancellation is
    /// honoured after the current optimizer step: the resume checkpoint is written and the result says Interrupted.
    /// </summary>
    public TrainingResult Run(IReadOnlyList<TokenizedStay> train, IReadOnlyList<TokenizedStay> val, bool resume = false,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new BadInputException("training split is empty: nothing to train on");
        if (val.Count == 0) throw new BadInputException("validation split is empty: the best checkpoint cannot be chosen");
        if (Settings.Threads > 0) set_num_threads(Settings.Threads);

        var parameters = Model.TrainableParameters();
        if (parameters.Count == 0) throw new InvalidOperationException("the model has no trainable parameters");
        if (Settings.PosWeight is { Length: var n } && n != 1 && n != Model.LabelCount)
            throw new BadInputException($"training.pos_weight: expected one number or {Model.LabelCount} (one per label), got {n}");
        var (optimizer, ordered) = CreateOptimizer(parameters);
        using var _ = optimizer;
        var states = optimizer.state_dict().State.Cast<AdamW.State>().ToList();

        string statePath = RunLayout.ResumeState(RunDir);
        var position = new ResumePosition { TotalSteps = TotalSteps(train.Count), TrainCount = train.Count };
        if (resume)
        {
            if (!File.Exists(statePath))
                throw new BadInputException($"{statePath}: no resume checkpoint (start the run without resume)");
            var saved = ResumeCheckpoint.Load(statePath, ordered, states);
            if (saved.TotalSteps != position.TotalSteps || saved.TrainCount != train.Count)
                throw new BadInputException($"{statePath}: cannot resume: the checkpoint plans {saved.TotalSteps} steps over {saved.TrainCount} stays, this run {position.TotalSteps} over {train.Count} (settings or data changed)");
            position = saved;
        }
        else
        {
            RunLayout.RequireFresh(RunDir);
            manual_seed(Settings.Seed);
        }

        using var log = new TrainingLog(RunLayout.Log(RunDir), position.LogBytes);
        var loop = new TrainingLoop(this, optimizer, ordered, states, log, progress, cancellationToken);
        return loop.Run(train, val, position);
    }

    // Groups as Hugging Face's Trainer builds them (biases and norm weights get no weight decay), split again into
    // body (adapters) and head when the head has its own learning rate. Each group keeps its peak rate in
    // PeakLearningRates; the schedule scales all of them by the same factor.
    private (AdamW Optimizer, IReadOnlyList<(string Name, Parameter Parameter)> Ordered) CreateOptimizer(
        IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        static bool NoDecay(string name) => name.EndsWith("bias", StringComparison.Ordinal) || name.Contains("norm", StringComparison.OrdinalIgnoreCase);
        bool splitHead = Settings.EffectiveHeadLr != Settings.Lr;
        var groups = new List<AdamW.ParamGroup>();
        var peaks = new List<double>();
        var ordered = new List<(string Name, Parameter Parameter)>();
        foreach (bool head in splitHead ? new[] { false, true } : [false])
            foreach (bool decay in new[] { true, false })
            {
                var members = parameters.Where(p => NoDecay(p.Name) != decay && (!splitHead || Model.IsHeadParameter(p.Name) == head)).ToArray();
                if (members.Length == 0)
                    continue;
                double lr = head ? Settings.EffectiveHeadLr : Settings.Lr;
                groups.Add(new AdamW.ParamGroup(members.Select(p => p.Parameter).ToArray(), lr, 0.9, 0.999, 1e-8, decay ? Settings.WeightDecay : 0.0, false, false));
                peaks.Add(lr);
                ordered.AddRange(members);
            }
        PeakLearningRates = peaks;
        // state_dict() lists states group by group, parameter by parameter: keep the names in that order.
        return (new AdamW(groups, Settings.Lr, 0.9, 0.999, 1e-8, Settings.WeightDecay), ordered);
    }

    /// <summary>Peak learning rate of each optimizer parameter group, in group order.</summary>
    internal IReadOnlyList<double> PeakLearningRates { get; private set; } = [];
}
