using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>User mistakes around experiments are one-line <see cref="BadInputException"/>s, and leave files alone.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class ExperimentErrorTests(ExperimentSandbox sandbox)
{
    [Fact]
    public void An_unknown_config_key_names_the_file_line_and_key()
    {
        string yaml = sandbox.Yaml.Replace("  lr: 3e-3", "  lrr: 3e-3");
        int line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("lrr:")) + 1;
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(yaml, "small.yaml"));
        Assert.StartsWith($"small.yaml:{line}: training.lrr: unknown key", e.Message);
    }

    [Fact]
    public void Testing_a_missing_run_folder_says_so()
    {
        string missing = sandbox.RunDir("never-trained");
        var e = Assert.Throws<BadInputException>(() => ExperimentRunner.Test(missing, P2xSplit.Test));
        Assert.Equal($"{missing}: run folder not found", e.Message);
    }

    [Fact]
    public void Testing_a_folder_without_config_or_checkpoint_says_which_is_missing()
    {
        string run = Directory.CreateDirectory(sandbox.RunDir("empty")).FullName;
        var noConfig = Assert.Throws<BadInputException>(() => ExperimentRunner.Test(run, P2xSplit.Test));
        Assert.Equal($"{run}: not a run folder (no config.yaml)", noConfig.Message);

        ExperimentConfigLoader.Save(sandbox.Config(), RunLayout.Config(run));
        var noCheckpoint = Assert.Throws<BadInputException>(() => ExperimentRunner.Test(run, P2xSplit.Val));
        Assert.Equal($"{run}: no trained checkpoint (checkpoints/best.safetensors is missing)", noCheckpoint.Message);
    }

    [Fact]
    public void Training_into_a_used_run_folder_is_refused_before_its_config_is_touched()
    {
        string run = Directory.CreateDirectory(sandbox.RunDir("used")).FullName;
        File.WriteAllText(RunLayout.Config(run), "# the earlier run's config\n");
        File.WriteAllText(RunLayout.Log(run), "{}\n");

        var e = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config()).Train(run));

        Assert.Contains("already holds a training run", e.Message);
        Assert.Equal("# the earlier run's config\n", File.ReadAllText(RunLayout.Config(run)));
    }

    [Fact]
    public void Resuming_a_run_that_never_saved_a_checkpoint_is_refused()
    {
        string run = sandbox.RunDir("nothing-to-resume");
        var e = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config()).Train(run, resume: true));
        Assert.Contains("no resume checkpoint", e.Message);
    }
}
