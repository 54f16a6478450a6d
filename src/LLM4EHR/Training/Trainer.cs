using LLM4EHR.Evaluation;
using System.Globalization;
using System.Diagnostics;
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
    private readonly ISequenceClassifier _model;
    private readonly TrainingSettings _s;
    private readonly string _runDir;
    private readonly Func<IReadOnlyList<TokenizedStay>, StayBatch> _collate;
    private readonly Func<float[][], float[][], IReadOnlyDictionary<string, double>> _metrics;
    private readonly Device _device;
    // How training batches are planned (shuffled per seed and epoch; bucketed by length unless turned off).
    private readonly BatchingSettings _batching;

    // The current run's objects, set by Run (a trainer runs one Run at a time).
    private AdamW _optimizer = null!;
    private IReadOnlyList<(string Name, Parameter Parameter)> _parameters = [];
    private IReadOnlyList<AdamW.State> _states = [];
    private IReadOnlyList<double> _peakLearningRates = [];
    private TrainingLog _log = null!;
    private IProgress<TrainingProgress>? _progress;
    private CancellationToken _ct;
    private Stopwatch _clock = new();
    private long _stepsThisSession;

    /// <param name="collate">Pads stays into a CPU batch (the text pipeline's collator).</param>
    /// <param name="metrics">Scores validation probabilities [N,K] against labels [N,K]; must contain the configured best metric
    /// (the trainer adds <c>loss</c>, the mean validation BCE).</param>
    /// <param name="device">Where the model lives (batches are moved there); CPU when null.</param>
    public Trainer(ISequenceClassifier model, TrainingSettings settings, string runDirectory,
        Func<IReadOnlyList<TokenizedStay>, StayBatch> collate,
        Func<float[][], float[][], IReadOnlyDictionary<string, double>> metrics,
        Device? device = null, bool bucketByLength = true)
    {
        _model = model;
        _s = settings;
        _runDir = runDirectory;
        _collate = collate;
        _metrics = metrics;
        _device = device ?? CPU;
        _batching = new BatchingSettings { BatchSize = settings.BatchSize, Shuffle = true, BucketByLength = bucketByLength, Seed = settings.Seed };
    }

    /// <summary>Optimizer steps a full run takes: epochs × ceil(batches per epoch / grad_accum).</summary>
    public long TotalSteps(int trainCount) => TotalSteps(_s, trainCount);

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
        if (_s.Threads > 0) set_num_threads(_s.Threads);

        var parameters = _model.TrainableParameters();
        if (parameters.Count == 0) throw new InvalidOperationException("the model has no trainable parameters");
        if (_s.PosWeight is { Length: var n } && n != 1 && n != _model.LabelCount)
            throw new BadInputException($"training.pos_weight: expected one number or {_model.LabelCount} (one per label), got {n}");
        var (optimizer, ordered) = CreateOptimizer(parameters);
        using var _ = optimizer;
        var states = optimizer.state_dict().State.Cast<AdamW.State>().ToList();

        string statePath = RunLayout.ResumeState(_runDir);
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
            RunLayout.RequireFresh(_runDir);
            manual_seed(_s.Seed);
        }

        using var log = new TrainingLog(RunLayout.Log(_runDir), position.LogBytes);
        (_optimizer, _parameters, _states, _log, _progress, _ct) = (optimizer, ordered, states, log, progress, cancellationToken);
        (_clock, _stepsThisSession) = (Stopwatch.StartNew(), 0);
        return Loop(train, val, position);
    }

    // Groups as Hugging Face's Trainer builds them (biases and norm weights get no weight decay), split again into
    // body (adapters) and head when the head has its own learning rate. Each group keeps its peak rate in
    // PeakLearningRates; the schedule scales all of them by the same factor.
    private (AdamW Optimizer, IReadOnlyList<(string Name, Parameter Parameter)> Ordered) CreateOptimizer(
        IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        static bool NoDecay(string name) => name.EndsWith("bias", StringComparison.Ordinal) || name.Contains("norm", StringComparison.OrdinalIgnoreCase);
        bool splitHead = _s.EffectiveHeadLr != _s.Lr;
        var groups = new List<AdamW.ParamGroup>();
        var peaks = new List<double>();
        var ordered = new List<(string Name, Parameter Parameter)>();
        foreach (bool head in splitHead ? new[] { false, true } : [false])
            foreach (bool decay in new[] { true, false })
            {
                var members = parameters.Where(p => NoDecay(p.Name) != decay && (!splitHead || _model.IsHeadParameter(p.Name) == head)).ToArray();
                if (members.Length == 0)
                    continue;
                double lr = head ? _s.EffectiveHeadLr : _s.Lr;
                groups.Add(new AdamW.ParamGroup(members.Select(p => p.Parameter).ToArray(), lr, 0.9, 0.999, 1e-8, decay ? _s.WeightDecay : 0.0, false, false));
                peaks.Add(lr);
                ordered.AddRange(members);
            }
        // Each group keeps its peak rate; the schedule scales all of them by the same factor.
        _peakLearningRates = peaks;
        // state_dict() lists states group by group, parameter by parameter: keep the names in that order.
        return (new AdamW(groups, _s.Lr, 0.9, 0.999, 1e-8, _s.WeightDecay), ordered);
    }

    // Steps, end-of-epoch evaluation, best checkpoint, early stopping and resume checkpoints, from a position.
    private TrainingResult Loop(IReadOnlyList<TokenizedStay> train, IReadOnlyList<TokenizedStay> val, ResumePosition position)
    {
        var schedule = LinearWarmupSchedule.FromRatio(_s.Lr, position.TotalSteps, _s.WarmupRatio);
        using var posWeight = _s.PosWeight is { } w ? tensor(w.Select(x => (float)x).ToArray()).to(_device) : null;
        var p = position;
        int[] lengths = [.. train.Select(s => s.TokenIds.Length)];
        while (!p.Finished)
        {
            var groups = BatchPlanner.Plan(lengths, _batching, p.Epoch).Chunk(_s.GradAccum).ToList();
            _model.SetTrainingMode(true);
            for (int g = p.NextGroup; g < groups.Count; g++)
            {
                double lr = schedule.LearningRateAt(p.OptimizerStep);
                var (loss, gradNorm, tokensPerSecond, seconds) = Step(groups[g], train, lr, posWeight);
                _stepsThisSession++;
                p = p with { NextGroup = g + 1, OptimizerStep = p.OptimizerStep + 1, EpochLossSum = p.EpochLossSum + loss, EpochLossCount = p.EpochLossCount + 1 };
                _log.Write(new { type = "step", step = p.OptimizerStep, epoch = p.Epoch + 1, loss, lr, tokens_per_s = tokensPerSecond, grad_norm = gradNorm, seconds });
                _progress?.Report(new TrainingProgress(TrainingPhase.Train, p.Epoch + 1, _s.Epochs, p.OptimizerStep, p.TotalSteps, loss, lr, tokensPerSecond, _clock.Elapsed, Eta(p)));
                bool periodic = _s.CheckpointEverySteps > 0 && p.OptimizerStep % _s.CheckpointEverySteps == 0;
                if (periodic || _ct.IsCancellationRequested)
                    Save(p);
                if (_ct.IsCancellationRequested)
                    return Result(p, interrupted: true);
            }
            p = EndOfEpoch(p, val);
            Save(p);
            if (_ct.IsCancellationRequested && !p.Finished)
                return Result(p, interrupted: true);
        }
        // No evaluation gave a usable metric (e.g. all NaN): the final weights stand in as "best" so testing can go on.
        if (p.BestEpoch == 0)
            TrainedWeights.Save(_model, RunLayout.BestWeights(_runDir), new Dictionary<string, string>
            {
                ["epoch"] = p.Epoch.ToString(CultureInfo.InvariantCulture),
                ["note"] = "final weights: no evaluation gave a valid metric",
            });
        return Result(p, interrupted: false);
    }

    // One optimizer step over an accumulation group of micro-batches.
    private (double Loss, double GradNorm, double TokensPerSecond, double Seconds) Step(int[][] group, IReadOnlyList<TokenizedStay> train, double lr, Tensor? posWeight)
    {
        var started = Stopwatch.GetTimestamp();
        // lr is the body's scheduled rate; every group (e.g. a head with its own head_lr) follows the same schedule.
        double factor = _s.Lr > 0 ? lr / _s.Lr : 0;
        int gi = 0;
        foreach (var pg in _optimizer.ParamGroups)
            pg.LearningRate = _peakLearningRates[gi++] * factor;
        _optimizer.zero_grad();
        double lossSum = 0;
        long tokens = 0;
        // Each micro-batch's mean loss is weighted by its share of the step's stays, so the accumulated gradient is
        // that of the mean over every stay of the step, also when the last micro-batch of an epoch is short.
        int stays = group.Sum(indices => indices.Length);
        foreach (var indices in group)
        {
            using var scope = NewDisposeScope();
            using var batch = Predictor.OnDevice(_collate(indices.Select(i => train[i]).ToArray()), _device);
            var logits = _model.Logits(batch);                                   // [B, K] float32
            var labels = batch.Labels.to(logits.dtype);                            // [B, K]
            var loss = ClassificationLoss.BceWithLogits(logits, labels, posWeight);
            double weight = indices.Length / (double)stays;
            // A penalty (logistic regression's L2) is on the weights, not per stay: each micro-batch adds its share.
            var objective = _model.Penalty() is { } penalty ? loss + penalty : loss;
            (objective * weight).backward();
            lossSum += loss.item<float>() * weight;
            tokens += batch.RealTokens;
        }
        double maxNorm = _s.MaxGradNorm > 0 ? _s.MaxGradNorm : double.PositiveInfinity;
        double gradNorm;
        using (var scope = NewDisposeScope())
        {
            gradNorm = nn.utils.clip_grad_norm_(_parameters.Select(p => p.Parameter), maxNorm);
            _optimizer.step();
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (lossSum, gradNorm, tokens / Math.Max(seconds, 1e-9), seconds);
    }

    private ResumePosition EndOfEpoch(ResumePosition p, IReadOnlyList<TokenizedStay> val)
    {
        int epoch = p.Epoch + 1;
        bool last = epoch == _s.Epochs;
        var next = p with { Epoch = epoch, NextGroup = 0, EpochLossSum = 0, EpochLossCount = 0, Finished = last };
        double trainLoss = p.EpochLossCount > 0 ? p.EpochLossSum / p.EpochLossCount : double.NaN;
        if (epoch % _s.EvalEvery != 0 && !last)
        {
            _log.Write(new { type = "epoch", epoch, step = p.OptimizerStep, train_loss = trainLoss });
            return next;
        }

        // Not cancellable: an evaluation runs to its end so the epoch's checkpoint can be written.
        var predictions = Predictor.Predict(_model, val, _collate, _s.EvalBatchSize, _device);
        var metrics = new Dictionary<string, double>(_metrics(predictions.Probabilities, predictions.Labels)) { [MetricKeys.Loss] = predictions.MeanBce() };
        if (!metrics.TryGetValue(_s.BestMetric, out double value))
            throw new BadInputException($"training.best_metric: '{_s.BestMetric}' is not a validation metric (available: {string.Join(", ", metrics.Keys)})");
        bool lowerIsBetter = MetricKeys.LowerIsBetter(_s.BestMetric);
        bool improved = !double.IsNaN(value) && (double.IsNaN(p.BestValue) || (lowerIsBetter ? value < p.BestValue : value > p.BestValue));
        if (improved)
        {
            TrainedWeights.Save(_model, RunLayout.BestWeights(_runDir), new Dictionary<string, string>
            {
                ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
                [_s.BestMetric] = value.ToString("R", CultureInfo.InvariantCulture),
            });
            next = next with { BestEpoch = epoch, BestValue = value, BestMetrics = metrics, EvaluationsWithoutImprovement = 0 };
        }
        else
            next = next with { EvaluationsWithoutImprovement = p.EvaluationsWithoutImprovement + 1 };
        if (!last && _s.EarlyStoppingPatience > 0 && next.EvaluationsWithoutImprovement >= _s.EarlyStoppingPatience)
            next = next with { Finished = true, StoppedEarly = true };

        _log.Write(new { type = "epoch", epoch, step = p.OptimizerStep, train_loss = trainLoss, val = metrics, improved,
            best_metric = _s.BestMetric, best_value = next.BestValue, best_epoch = next.BestEpoch, stopped_early = next.StoppedEarly });
        _progress?.Report(new TrainingProgress(TrainingPhase.Eval, epoch, _s.Epochs, p.OptimizerStep, p.TotalSteps, trainLoss, 0, 0, _clock.Elapsed, Eta(p), metrics));
        return next;
    }

    private void Save(ResumePosition p) =>
        ResumeCheckpoint.Save(RunLayout.ResumeState(_runDir), _parameters, _states, p with { LogBytes = _log.Length });

    private TimeSpan? Eta(ResumePosition p) => _stepsThisSession == 0 ? null
        : TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _stepsThisSession * (p.TotalSteps - p.OptimizerStep));

    private TrainingResult Result(ResumePosition p, bool interrupted) =>
        new(interrupted, p.StoppedEarly, p.OptimizerStep, p.BestEpoch, p.BestValue, p.BestMetrics, RunLayout.BestWeights(_runDir));
}

/// <summary>
/// How a <see cref="Trainer.Run"/> ended. <see cref="Interrupted"/>: cancelled, the resume checkpoint is saved
/// (call Run again with resume). <see cref="BestWeightsPath"/> holds the trained weights of the best evaluation
/// (load them with <see cref="Models.TrainedWeights.Load"/> before testing); the model itself ends with the last weights.
/// </summary>
public sealed record TrainingResult(
    bool Interrupted,
    bool StoppedEarly,
    long Steps,
    int BestEpoch,
    double BestValue,
    IReadOnlyDictionary<string, double>? BestMetrics,
    string BestWeightsPath);
