using System.Diagnostics;
using System.Globalization;
using LLM4EHR.Config;
using LLM4EHR.Evaluation;
using LLM4EHR.Models;
using LLM4EHR.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Training;

/// <summary>
/// One run of the training loop over a prepared optimizer: steps, end-of-epoch evaluation, best checkpoint,
/// early stopping, resume checkpoints. Holds the per-run objects so <see cref="Trainer"/> stays small.
/// </summary>
internal sealed class TrainingLoop(Trainer t, AdamW optimizer, IReadOnlyList<(string Name, Parameter Parameter)> parameters,
    IReadOnlyList<AdamW.State> states, TrainingLog log, IProgress<TrainingProgress>? progress, CancellationToken ct)
{
    private readonly TrainingSettings _s = t.Settings;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _stepsThisSession;

    public TrainingResult Run(IReadOnlyList<TokenizedStay> train, IReadOnlyList<TokenizedStay> val, ResumePosition position)
    {
        var schedule = LinearWarmupSchedule.FromRatio(_s.Lr, position.TotalSteps, _s.WarmupRatio);
        using var posWeight = _s.PosWeight is { } w ? tensor(w.Select(x => (float)x).ToArray()).to(t.Device) : null;
        var p = position;
        int[] lengths = [.. train.Select(s => s.TokenIds.Length)];
        while (!p.Finished)
        {
            var groups = BatchPlanner.Plan(lengths, t.Batching, p.Epoch).Chunk(_s.GradAccum).ToList();
            t.Model.SetTrainingMode(true);
            for (int g = p.NextGroup; g < groups.Count; g++)
            {
                double lr = schedule.LearningRateAt(p.OptimizerStep);
                var (loss, gradNorm, tokensPerSecond, seconds) = Step(groups[g], train, lr, posWeight);
                _stepsThisSession++;
                p = p with { NextGroup = g + 1, OptimizerStep = p.OptimizerStep + 1, EpochLossSum = p.EpochLossSum + loss, EpochLossCount = p.EpochLossCount + 1 };
                log.Write(new { type = "step", step = p.OptimizerStep, epoch = p.Epoch + 1, loss, lr, tokens_per_s = tokensPerSecond, grad_norm = gradNorm, seconds });
                progress?.Report(new TrainingProgress(TrainingPhase.Train, p.Epoch + 1, _s.Epochs, p.OptimizerStep, p.TotalSteps, loss, lr, tokensPerSecond, _clock.Elapsed, Eta(p)));
                bool periodic = _s.CheckpointEverySteps > 0 && p.OptimizerStep % _s.CheckpointEverySteps == 0;
                if (periodic || ct.IsCancellationRequested)
                    Save(p);
                if (ct.IsCancellationRequested)
                    return Result(p, interrupted: true);
            }
            p = EndOfEpoch(p, val);
            Save(p);
            if (ct.IsCancellationRequested && !p.Finished)
                return Result(p, interrupted: true);
        }
        // No evaluation gave a usable metric (e.g. all NaN): the final weights stand in as "best" so testing can go on.
        if (p.BestEpoch == 0)
            TrainedWeights.Save(t.Model, RunLayout.BestWeights(t.RunDir), new Dictionary<string, string>
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
        foreach (var pg in optimizer.ParamGroups)
            pg.LearningRate = t.PeakLearningRates[gi++] * factor;
        optimizer.zero_grad();
        double lossSum = 0;
        long tokens = 0;
        // Each micro-batch's mean loss is weighted by its share of the step's stays, so the accumulated gradient is
        // that of the mean over every stay of the step, also when the last micro-batch of an epoch is short.
        int stays = group.Sum(indices => indices.Length);
        foreach (var indices in group)
        {
            using var scope = NewDisposeScope();
            using var batch = Predictor.OnDevice(t.Collate(indices.Select(i => train[i]).ToArray()), t.Device);
            var logits = t.Model.Logits(batch);                                   // [B, K] float32
            var labels = batch.Labels.to(logits.dtype);                            // [B, K]
            var loss = ClassificationLoss.BceWithLogits(logits, labels, posWeight);
            double weight = indices.Length / (double)stays;
            // A penalty (logistic regression's L2) is on the weights, not per stay: each micro-batch adds its share.
            var objective = t.Model.Penalty() is { } penalty ? loss + penalty : loss;
            (objective * weight).backward();
            lossSum += loss.item<float>() * weight;
            tokens += batch.RealTokens;
        }
        double maxNorm = _s.MaxGradNorm > 0 ? _s.MaxGradNorm : double.PositiveInfinity;
        double gradNorm;
        using (var scope = NewDisposeScope())
        {
            gradNorm = nn.utils.clip_grad_norm_(parameters.Select(p => p.Parameter), maxNorm);
            optimizer.step();
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
            log.Write(new { type = "epoch", epoch, step = p.OptimizerStep, train_loss = trainLoss });
            return next;
        }

        // Not cancellable: an evaluation runs to its end so the epoch's checkpoint can be written.
        var predictions = Predictor.Predict(t.Model, val, t.Collate, _s.EvalBatchSize, t.Device);
        var metrics = new Dictionary<string, double>(t.Metrics(predictions.Probabilities, predictions.Labels)) { [MetricKeys.Loss] = predictions.MeanBce() };
        if (!metrics.TryGetValue(_s.BestMetric, out double value))
            throw new BadInputException($"training.best_metric: '{_s.BestMetric}' is not a validation metric (available: {string.Join(", ", metrics.Keys)})");
        bool lowerIsBetter = MetricKeys.LowerIsBetter(_s.BestMetric);
        bool improved = !double.IsNaN(value) && (double.IsNaN(p.BestValue) || (lowerIsBetter ? value < p.BestValue : value > p.BestValue));
        if (improved)
        {
            TrainedWeights.Save(t.Model, RunLayout.BestWeights(t.RunDir), new Dictionary<string, string>
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

        log.Write(new { type = "epoch", epoch, step = p.OptimizerStep, train_loss = trainLoss, val = metrics, improved,
            best_metric = _s.BestMetric, best_value = next.BestValue, best_epoch = next.BestEpoch, stopped_early = next.StoppedEarly });
        progress?.Report(new TrainingProgress(TrainingPhase.Eval, epoch, _s.Epochs, p.OptimizerStep, p.TotalSteps, trainLoss, 0, 0, _clock.Elapsed, Eta(p), metrics));
        return next;
    }

    private void Save(ResumePosition p) =>
        ResumeCheckpoint.Save(RunLayout.ResumeState(t.RunDir), parameters, states, p with { LogBytes = log.Length });

    private TimeSpan? Eta(ResumePosition p) => _stepsThisSession == 0 ? null
        : TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _stepsThisSession * (p.TotalSteps - p.OptimizerStep));

    private TrainingResult Result(ResumePosition p, bool interrupted) =>
        new(interrupted, p.StoppedEarly, p.OptimizerStep, p.BestEpoch, p.BestValue, p.BestMetrics, RunLayout.BestWeights(t.RunDir));
}
