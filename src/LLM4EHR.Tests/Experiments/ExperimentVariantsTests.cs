using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using LLM4EHR.Tests.Support;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>The QLoRA and head-only variants of the small experiment train and save only what they train.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class ExperimentVariantsTests(ExperimentSandbox sandbox)
{
    // 2 layers × (q_proj, v_proj) × (A, B), then the head.
    private static readonly string[] LoraAndHead =
    [
        .. from layer in new[] { 0, 1 }
           from proj in new[] { "q_proj", "v_proj" }
           from matrix in new[] { "A", "B" }
           select $"lora.model.layers.{layer}.self_attn.{proj}.lora_{matrix}.weight",
        "head.weight", "head.bias",
    ];

    [Fact]
    public void Nf4_double_quant_with_lora_trains_and_saves_only_adapters_and_head()
    {
        var stages = new List<ExperimentStage>();
        var config = sandbox.Config("quantization.nf4=true", "quantization.double_quant=true", "training.epochs=1");

        var result = sandbox.Runner(config, stages: new InlineProgress<ExperimentStage>(stages.Add)).Train(sandbox.RunDir("nf4"));

        Assert.Contains(stages, s => s.Name == "model" && s.Detail.EndsWith("(NF4)"));
        AssertTrained(result, expectedSteps: 15);
        Assert.Equal(LoraAndHead.Order(), ExperimentSandbox.SavedTensorNames(result.RunDir).Order());
    }

    [Fact]
    public void Head_only_training_saves_just_the_head()
    {
        var config = sandbox.Config("lora.enabled=false", "training.epochs=1");

        var result = sandbox.Runner(config).Train(sandbox.RunDir("head-only"));

        AssertTrained(result, expectedSteps: 15);
        Assert.Equal(["head.bias", "head.weight"], ExperimentSandbox.SavedTensorNames(result.RunDir).Order());
    }

    [Fact]
    public void With_overwrite_a_fresh_run_replaces_the_previous_runs_files_says_which_and_keeps_the_users()
    {
        string run = sandbox.RunDir("overwritten");
        Directory.CreateDirectory(RunLayout.Checkpoints(run));
        Directory.CreateDirectory(Path.Combine(run, "test"));
        File.WriteAllText(RunLayout.Log(run), "{\"type\":\"step\",\"step\":99}\n");
        File.WriteAllText(RunLayout.ResumeState(run), "stale");
        // The user's files, anywhere in the run folder (also inside folders the tool writes into), must survive.
        string[] users = [Path.Combine(run, "notes.txt"), Path.Combine(run, "test", "my-plot.txt"), Path.Combine(run, "checkpoints", "keep.safetensors")];
        foreach (var file in users)
            File.WriteAllText(file, "mine: " + Path.GetFileName(file));
        var before = users.Select(FileHash.Of).ToList();
        var stages = new List<ExperimentStage>();

        var result = sandbox.Runner(sandbox.Config("output.overwrite=true", "lora.enabled=false", "training.epochs=1"),
            stages: new InlineProgress<ExperimentStage>(stages.Add)).Train(run);

        AssertTrained(result, expectedSteps: 15);
        Assert.Equal(Enumerable.Range(1, 15), ExperimentSandbox.LogRecords(run, "step").Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal(before, users.Select(FileHash.Of));
        // One line, before anything is replaced, naming exactly the previous run's files.
        var replace = Assert.Single(stages, s => s.Name == "replace");
        Assert.Equal($"replacing the previous run in {run} (output.overwrite): log.jsonl, checkpoints/last.safetensors", replace.Detail);
    }

    private static void AssertTrained(ExperimentResult result, int expectedSteps)
    {
        Assert.False(result.Training.Interrupted);
        Assert.Equal(expectedSteps, result.Training.Steps);
        Assert.All(ExperimentSandbox.LogRecords(result.RunDir, "step"), s => Assert.True(double.IsFinite(s.GetProperty("loss").GetDouble())));
        Assert.InRange(result.Test!["auroc"]!.Value, 0.0, 1.0);
        Assert.True(File.Exists(Path.Combine(result.RunDir, "test", "metrics.json")));
    }
}
