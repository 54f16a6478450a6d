using System.Text.Json;
using LLM4EHR.Config;
using LLM4EHR.Models;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using LLM4EHR.Training;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trainer-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly TokenizedStay[] Train = SyntheticStays.Make(160, 3, seed: 1, "train");
    private static readonly TokenizedStay[] Val = SyntheticStays.Make(80, 3, seed: 2, "val");

    internal static TrainingSettings Settings => new(
        Epochs: 3, BatchSize: 8, EvalBatchSize: 32, GradAccum: 1, Lr: 0.1, WeightDecay: 0.01, WarmupRatio: 0.1,
        MaxGradNorm: 1.0, Seed: 11, EvalEvery: 1, EarlyStoppingPatience: 0, BestMetric: "auroc", PosWeight: null,
        Threads: 0, CheckpointEverySteps: 0);

    private static BagOfEmbeddingsClassifier NewModel(int initSeed, double dropout = 0.0, bool trainEmbeddings = true, int labels = 3)
    {
        manual_seed(initSeed);
        return new BagOfEmbeddingsClassifier(SyntheticStays.Vocab, 16, labels, dropout, trainEmbeddings);
    }

    private Trainer NewTrainer(ISequenceClassifier model, TrainingSettings settings, string run) =>
        new(model, settings, Path.Combine(_dir, run), SyntheticStays.Collate, SyntheticStays.Metrics);

    private List<JsonElement> Log(string run) =>
        File.ReadLines(RunLayout.Log(Path.Combine(_dir, run))).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Training_lowers_the_loss_and_raises_validation_auroc()
    {
        using var model = NewModel(3);
        double before = SyntheticStays.Metrics(Predictor.Predict(model, Val, SyntheticStays.Collate, 32).Probabilities, Val.Select(v => v.Labels).ToArray())["auroc"];
        var reports = new List<TrainingProgress>();
        var result = NewTrainer(model, Settings, "learn").Run(Train, Val, progress: new InlineProgress<TrainingProgress>(reports.Add));

        Assert.False(result.Interrupted);
        Assert.Equal(3 * 20, result.Steps);
        Assert.True(result.BestValue > 0.9 && result.BestValue > before + 0.2, $"auroc before {before}, best {result.BestValue}");
        var steps = Log("learn").Where(r => r.GetProperty("type").GetString() == "step").ToList();
        Assert.Equal(60, steps.Count);
        double firstEpoch = steps.Take(20).Average(r => r.GetProperty("loss").GetDouble());
        double lastEpoch = steps.TakeLast(20).Average(r => r.GetProperty("loss").GetDouble());
        Assert.True(lastEpoch < 0.6 * firstEpoch, $"loss {firstEpoch} → {lastEpoch}");
        Assert.Equal(0.0, steps[0].GetProperty("lr").GetDouble());          // warmup starts at 0, as the reference
        Assert.Equal(Settings.Lr, steps.Max(r => r.GetProperty("lr").GetDouble()), 12);
        Assert.All(steps, r => Assert.True(r.GetProperty("grad_norm").GetDouble() > 0 && r.GetProperty("tokens_per_s").GetDouble() > 0));

        var epochs = Log("learn").Where(r => r.GetProperty("type").GetString() == "epoch").ToList();
        Assert.Equal(3, epochs.Count);
        Assert.Equal(result.BestValue, epochs[result.BestEpoch - 1].GetProperty("val").GetProperty("auroc").GetDouble());
        Assert.Equal(60 + 3, reports.Count);
        Assert.Equal(60, reports[^1].Step);

        // The best checkpoint reproduces the best validation score.
        using var reloaded = NewModel(99);
        TrainedWeights.Load(reloaded, result.BestWeightsPath);
        var again = Predictor.Predict(reloaded, Val, SyntheticStays.Collate, 32);
        Assert.Equal(result.BestValue, SyntheticStays.Metrics(again.Probabilities, again.Labels)["auroc"]);
    }

    [Fact]
    public void Only_trainable_parameters_change()
    {
        using var model = NewModel(4, trainEmbeddings: false);
        var frozen = model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => (p.name, p.parameter.detach().clone())).ToList();
        var trainable = model.TrainableParameters().Select(p => (p.Name, p.Parameter.detach().clone())).ToList();
        Assert.Equal(["embed_tokens.weight"], frozen.Select(f => f.name));
        Assert.Equal(["score.weight", "score.bias"], trainable.Select(f => f.Name));

        NewTrainer(model, Settings with { Epochs = 1 }, "frozen").Run(Train, Val);
        var now = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(frozen, f => Assert.True(f.Item2.eq(now[f.name]).all().item<bool>(), f.name + " changed"));
        Assert.All(trainable, t => Assert.False(t.Item2.eq(now[t.Name]).all().item<bool>(), t.Name + " did not change"));
    }

    [Fact]
    public void Accumulating_two_batches_of_two_gives_the_gradient_of_one_batch_of_four()
    {
        var four = Train.Take(4).ToArray();
        var settings = Settings with { Epochs = 1, WarmupRatio = 0, MaxGradNorm = 0, WeightDecay = 0 };
        using var a = NewModel(5);
        using var b = NewModel(5);
        NewTrainer(a, settings with { BatchSize = 4, GradAccum = 1 }, "b4").Run(four, Val);
        NewTrainer(b, settings with { BatchSize = 2, GradAccum = 2 }, "b2x2").Run(four, Val);
        var stepA = Assert.Single(Log("b4"), r => r.GetProperty("type").GetString() == "step");
        var stepB = Assert.Single(Log("b2x2"), r => r.GetProperty("type").GetString() == "step");
        // The norm of the accumulated gradient matches the big batch's (it would double without the 1/grad_accum).
        Assert.Equal(stepA.GetProperty("grad_norm").GetDouble(), stepB.GetProperty("grad_norm").GetDouble(), 1e-5);
        Assert.Equal(stepA.GetProperty("loss").GetDouble(), stepB.GetProperty("loss").GetDouble(), 1e-5);
        foreach (var ((name, pa), (_, pb)) in a.TrainableParameters().Zip(b.TrainableParameters()))
            Assert.True(pa.allclose(pb, rtol: 1e-4, atol: 1e-6), name);
    }

    [Theory]
    [InlineData(1, 7, TrainingPhase.Train)]     // cancelled mid-epoch 1
    [InlineData(2, 20, TrainingPhase.Train)]    // cancelled at the last step of epoch 1 (before its evaluation)
    [InlineData(2, 27, TrainingPhase.Train)]    // cancelled mid-epoch 2 within an accumulation schedule of 2
    [InlineData(1, 20, TrainingPhase.Eval)]     // cancelled during the evaluation after epoch 1
    public void A_cancelled_and_resumed_run_ends_bit_identical_to_an_uninterrupted_one(int gradAccum, int stopAfter, TrainingPhase phase)
    {
        var settings = Settings with { GradAccum = gradAccum, BatchSize = gradAccum == 1 ? 8 : 4 };
        using var full = NewModel(6, dropout: 0.2);
        var expected = NewTrainer(full, settings, "full").Run(Train, Val);

        using var first = NewModel(6, dropout: 0.2);
        using var cts = new CancellationTokenSource();
        var partial = NewTrainer(first, settings, "cut").Run(Train, Val,
            progress: new InlineProgress<TrainingProgress>(p => { if (p.Phase == phase && p.Step == stopAfter) cts.Cancel(); }), cancellationToken: cts.Token);
        Assert.True(partial.Interrupted);
        Assert.Equal(stopAfter, partial.Steps);
        Assert.Empty(Directory.GetFiles(RunLayout.Checkpoints(Path.Combine(_dir, "cut")), "*.tmp"));

        // A fresh process: different init and RNG; everything must come from the checkpoint.
        using var second = NewModel(1234, dropout: 0.2);
        manual_seed(777);
        var resumed = NewTrainer(second, settings, "cut").Run(Train, Val, resume: true);

        Assert.False(resumed.Interrupted);
        Assert.Equal(expected.Steps, resumed.Steps);
        Assert.Equal(expected.BestEpoch, resumed.BestEpoch);
        Assert.Equal(expected.BestMetrics, resumed.BestMetrics);
        var want = Predictor.Predict(full, Val, SyntheticStays.Collate, 32);
        var got = Predictor.Predict(second, Val, SyntheticStays.Collate, 32);
        Assert.Equal(want.Logits, got.Logits);
        Assert.Equal(File.ReadAllBytes(expected.BestWeightsPath), File.ReadAllBytes(resumed.BestWeightsPath));
        static string WithoutSpeed(JsonElement r) => JsonSerializer.Serialize(r.EnumerateObject().Where(p => p.Name is not ("tokens_per_s" or "seconds")).ToDictionary(p => p.Name, p => p.Value));
        Assert.Equal(Log("full").Select(WithoutSpeed), Log("cut").Select(WithoutSpeed));
    }

    [Fact]
    public void A_crash_resumes_from_the_last_periodic_checkpoint_and_the_log_is_cut_back_to_it()
    {
        var settings = Settings with { Epochs = 2, CheckpointEverySteps = 5 };
        using var full = NewModel(12, dropout: 0.2);
        var expected = NewTrainer(full, settings, "full").Run(Train, Val);

        using var first = NewModel(12, dropout: 0.2);
        // A crash (not a cancellation) at step 8: nothing is saved after the periodic checkpoint of step 5.
        Assert.Throws<IOException>(() => NewTrainer(first, settings, "crash").Run(Train, Val,
            progress: new InlineProgress<TrainingProgress>(p => { if (p.Step == 8) throw new IOException("disk gone"); })));
        Assert.Equal(8, Log("crash").Count);

        using var second = NewModel(321, dropout: 0.2);
        var resumed = NewTrainer(second, settings, "crash").Run(Train, Val, resume: true);
        Assert.Equal(expected.BestMetrics, resumed.BestMetrics);
        Assert.Equal(Predictor.Predict(full, Val, SyntheticStays.Collate, 32).Logits, Predictor.Predict(second, Val, SyntheticStays.Collate, 32).Logits);
        Assert.Equal(Log("full").Select(r => r.GetProperty("step").GetInt64()), Log("crash").Select(r => r.GetProperty("step").GetInt64()));
    }

    [Fact]
    public void Pos_weight_weighs_the_positive_term_of_the_loss()
    {
        var four = Train.Take(4).ToArray();
        using var model = NewModel(13);
        var before = Predictor.Predict(model, four, SyntheticStays.Collate, 4);
        double[] w = [3.0, 0.5, 2.0];
        NewTrainer(model, Settings with { Epochs = 1, BatchSize = 4, PosWeight = w }, "pw").Run(four, Val);
        double expected = 0;
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 3; k++)
            {
                double x = before.Logits[i][k], y = before.Labels[i][k], logSig = -Math.Log(1 + Math.Exp(-x));
                expected -= (w[k] * y * logSig + (1 - y) * (logSig - x)) / 12;
            }
        var step = Assert.Single(Log("pw"), r => r.GetProperty("type").GetString() == "step");
        Assert.Equal(expected, step.GetProperty("loss").GetDouble(), 1e-5);
    }

    [Fact]
    public void Early_stopping_ends_after_patience_evaluations_without_improvement()
    {
        using var model = NewModel(8);
        // lr 1e-12 leaves float32 weights unchanged, so nothing improves after the first evaluation.
        var result = NewTrainer(model, Settings with { Epochs = 6, Lr = 1e-12, EarlyStoppingPatience = 2 }, "early").Run(Train, Val);
        Assert.True(result.StoppedEarly);
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(3, Log("early").Count(r => r.GetProperty("type").GetString() == "epoch"));
    }

    [Fact]
    public void Misuse_is_reported_as_bad_input()
    {
        using var model = NewModel(9);
        var ex = Assert.Throws<BadInputException>(() => NewTrainer(model, Settings, "none").Run(Train, Val, resume: true));
        Assert.Contains("no resume checkpoint", ex.Message);
        var badMetric = Assert.Throws<BadInputException>(() => NewTrainer(model, Settings with { Epochs = 1, BestMetric = "auprc_macro" }, "metric").Run(Train, Val));
        Assert.Contains("training.best_metric: 'auprc_macro' is not a validation metric (available: auroc, loss)", badMetric.Message);
        var again = Assert.Throws<BadInputException>(() => NewTrainer(model, Settings, "metric").Run(Train, Val));
        Assert.Contains("already holds a training run", again.Message);
    }
}
