using LLM4EHR.Models;
using LLM4EHR.Training;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class TrainingHistoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("history-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_back_every_step_and_epoch_the_trainer_logged()
    {
        var train = SyntheticStays.Make(48, 3, seed: 1, "train");
        var val = SyntheticStays.Make(24, 3, seed: 2, "val");
        manual_seed(3);
        using var model = new BagOfEmbeddingsClassifier(SyntheticStays.Vocab, 16, 3, 0.0, true);
        var settings = TrainerTests.Settings with { Epochs = 2, EvalEvery = 2 };
        var result = new Trainer(model, settings, _dir, SyntheticStays.Collate, SyntheticStays.Metrics).Run(train, val);

        var history = TrainingHistory.ReadRun(_dir);

        Assert.Equal(Enumerable.Range(1, (int)result.Steps).Select(i => (long)i), history.Steps.Select(s => s.Step));
        Assert.Equal([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2], history.Steps.Select(s => s.Epoch));
        Assert.All(history.Steps, s => Assert.True(s.Loss > 0 && s.GradNorm > 0 && s.TokensPerSecond > 0));
        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        Assert.Empty(history.Epochs[0].Val);                      // eval_every 2: epoch 1 not evaluated
        Assert.Equal(result.BestMetrics!["auroc"], history.Epochs[1].Val["auroc"]);
        Assert.True(history.Epochs[1].Improved);
        Assert.Equal(2, history.Epochs[1].BestEpoch);
        // The epoch's train loss is the mean of its step losses.
        Assert.Equal(history.Steps.Where(s => s.Epoch == 2).Average(s => s.Loss), history.Epochs[1].TrainLoss, 5);
    }

    [Fact]
    public void Reads_named_floating_point_literals_and_reports_a_bad_line_by_number()
    {
        string path = Path.Combine(_dir, "log.jsonl");
        File.WriteAllLines(path,
        [
            """{"type":"step","step":1,"epoch":1,"loss":"NaN","lr":0,"tokens_per_s":10,"grad_norm":"Infinity"}""",
            """{"type":"epoch","epoch":1,"step":1,"train_loss":0.5,"val":{"loss":0.4,"auroc":"NaN"},"improved":false,"best_epoch":0}""",
        ]);
        var history = TrainingHistory.Read(path);
        Assert.True(double.IsNaN(history.Steps[0].Loss));
        Assert.True(double.IsPositiveInfinity(history.Steps[0].GradNorm));
        Assert.True(double.IsNaN(history.Epochs[0].Val["auroc"]));
        Assert.Equal(0.4, history.Epochs[0].Val["loss"]);

        File.AppendAllText(path, "{\"type\":\"step\",\"step\":2\n");
        var e = Assert.Throws<BadInputException>(() => TrainingHistory.Read(path));
        Assert.StartsWith("log.jsonl: line 3: ", e.Message);
    }
}
