using LLM4EHR.Experiments;
using LLM4EHR.Training;
using LLM4EHR.Runtime;

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
    public void With_overwrite_a_fresh_run_replaces_the_previous_runs_files_and_keeps_the_users()
    {
        string run = sandbox.RunDir("overwritten");
        Directory.CreateDirectory(RunLayout.Checkpoints(run));
        Directory.CreateDirectory(Path.Combine(run, "test"));
        File.WriteAllText(RunLayout.Log(run), "{\"type\":\"step\",\"step\":99}\n");
        File.WriteAllText(RunLayout.ResumeState(run), "stale");
        File.WriteAllText(Path.Combine(run, "test", "stale.txt"), "stale");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");

        var result = sandbox.Runner(sandbox.Config("output.overwrite=true", "lora.enabled=false", "training.epochs=1")).Train(run);

        AssertTrained(result, expectedSteps: 15);
        Assert.Equal(Enumerable.Range(1, 15), ExperimentSandbox.LogRecords(run, "step").Select(s => s.GetProperty("step").GetInt32()));
        Assert.False(File.Exists(Path.Combine(run, "test", "stale.txt")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "notes.txt")));
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
