using LLM4EHR.Config;
using LLM4EHR.Models;
using LLM4EHR.Text;
using LLM4EHR.Training;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Training;

/// <summary>training.head_lr gives the head its own peak rate and leaves the rest of the update as it was.</summary>
[Collection(TorchRngCollection.Name)]
public class HeadLearningRateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("head-lr-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // One batch of 8 = exactly one optimizer step; no warmup, so that step runs at the peak rates.
    private static readonly TokenizedStay[] Train = SyntheticStays.Make(8, 3, seed: 1, "train");
    private static readonly TokenizedStay[] Val = SyntheticStays.Make(16, 3, seed: 2, "val");
    private static readonly TrainingSettings OneStep = TrainerTests.Settings with { Epochs = 1, WarmupRatio = 0, MaxGradNorm = 0, Lr = 0.01 };

    private Dictionary<string, float[]> Step(TrainingSettings settings, string run, out Dictionary<string, float[]> before)
    {
        manual_seed(7);
        using var model = new BagOfEmbeddingsClassifier(SyntheticStays.Vocab, 16, 3);
        before = Snapshot(model);
        new Trainer(model, settings, Path.Combine(_dir, run), SyntheticStays.Collate, SyntheticStays.Metrics).Run(Train, Val);
        return Snapshot(model);
    }

    private static Dictionary<string, float[]> Snapshot(BagOfEmbeddingsClassifier model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    [Fact]
    public void Head_moves_at_head_lr_while_the_body_update_is_unchanged()
    {
        var same = Step(OneStep, "same", out var start);
        var fast = Step(OneStep with { HeadLr = 0.1 }, "fast", out var start2);
        Assert.Equal(start["score.weight"], start2["score.weight"]);

        // The body (embeddings) takes the identical step: same gradients, same rate.
        Assert.Equal(same["embed_tokens.weight"], fast["embed_tokens.weight"]);
        Assert.NotEqual(start["embed_tokens.weight"], same["embed_tokens.weight"]);

        // AdamW's first step is lr · (m̂/(√v̂+ε) + wd·w): ten times the rate, ten times the step.
        foreach (var name in new[] { "score.weight", "score.bias" })
            for (int i = 0; i < start[name].Length; i++)
            {
                double slow = same[name][i] - start[name][i], quick = fast[name][i] - start[name][i];
                Assert.Equal(10 * slow, quick, tolerance: 1e-5);
            }
    }

    [Fact]
    public void Head_lr_is_read_from_yaml_and_defaults_to_lr()
    {
        const string yaml = "task: ihm\ndata: {root: d}\nmodel: {path: m}\ntraining: {lr: 2e-5, head_lr: 1e-3}\n";
        var config = ExperimentConfigLoader.Parse(yaml, "t.yaml");
        Assert.Equal(1e-3, config.Training.EffectiveHeadLr);
        Assert.Equal(2e-5, ExperimentConfigLoader.Parse(yaml.Replace(", head_lr: 1e-3", ""), "t.yaml").Training.EffectiveHeadLr);
        Assert.Equal(1e-3, ExperimentConfigLoader.Parse(ExperimentConfigLoader.ToYaml(config), "saved.yaml").Training.HeadLr);
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(yaml.Replace("1e-3", "-1"), "t.yaml"));
        Assert.Contains("training.head_lr", e.Message);
    }
}
