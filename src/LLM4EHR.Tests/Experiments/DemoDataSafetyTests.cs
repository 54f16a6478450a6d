using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.IO;
using LLM4EHR.Tests.Support;
using LLM4EHR.Tests.Text;

namespace LLM4EHR.Tests.Experiments;

/// <summary>
/// Generated demo inputs never land on a user's files: the synthetic cohort and the tiny model are written only into
/// a new or empty folder or one the demo marked as its own; anything else is refused before any work, with every
/// file's hash unchanged. Results on generated data say they are synthetic.
/// </summary>
[Collection(ExperimentCollection.Name)]
public sealed class DemoDataSafetyTests(ExperimentSandbox sandbox) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_data_folder_missing_a_split_is_refused_not_filled_and_its_files_are_unchanged()
    {
        string data = Directory.CreateDirectory(_dir.File("mimic")).FullName;
        File.WriteAllBytes(Path.Combine(data, "train_p2x_data.pkl"), [1, 2, 3]);   // the user's split, not a cohort of ours
        File.WriteAllBytes(Path.Combine(data, "test_p2x_data.pkl"), [4, 5, 6]);
        var before = FileHash.OfTree(data);
        string run = sandbox.RunDir("refused-demo");

        var e = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config($"data.root={data}")).Train(run));

        Assert.StartsWith($"{data}: refusing to write a synthetic demo cohort: it is not empty and was not written by llm4ehr", e.Message);
        Assert.Contains("test_p2x_data.pkl, train_p2x_data.pkl", e.Message);
        Assert.Equal(before, FileHash.OfTree(data));
        Assert.False(Directory.Exists(run), "nothing may be written for a refused run");
    }

    [Fact]
    public void A_demo_cohort_folder_that_lost_a_split_is_regenerated_and_reports_synthetic_metrics()
    {
        string data = _dir.File("demo-cohort");
        var result = sandbox.Runner(sandbox.Config($"data.root={data}", "training.epochs=1", "lora.enabled=false"))
            .Train(sandbox.RunDir("synthetic"));
        Assert.Equal(GeneratedFolder.SyntheticCohort, GeneratedFolder.KindOf(data));
        Assert.True(result.Test!.SyntheticData);
        Assert.Contains("\"synthetic_data\": true", File.ReadAllText(Path.Combine(result.RunDir, "test", "metrics.json")));

        string val = P2xDataset.SplitPath(data, P2xSplit.Val);
        string valHash = FileHash.Of(val);
        File.Delete(val);
        Assert.True(DemoAssets.EnsureCohort(ClinicalTask.Ihm, sandbox.Config($"data.root={data}").Data));
        Assert.Equal(valHash, FileHash.Of(val));   // the same deterministic cohort again
    }

    [Fact]
    public void Metrics_on_data_the_demo_did_not_write_are_not_marked_synthetic()
    {
        // A copy of the cohort without the marker stands for a user's real files.
        sandbox.Runner(sandbox.Config()).Prepare();   // the sandbox cohort exists (written on first use)
        string copy = Directory.CreateDirectory(_dir.File("real-looking")).FullName;
        foreach (var split in Enum.GetValues<P2xSplit>())
            File.Copy(P2xDataset.SplitPath(sandbox.DataRoot, split), P2xDataset.SplitPath(copy, split));

        var result = sandbox.Runner(sandbox.Config($"data.root={copy}", "data.demo=false", "training.epochs=1", "lora.enabled=false"))
            .Train(sandbox.RunDir("not-synthetic"));

        Assert.False(result.Test!.SyntheticData);
        Assert.Contains("\"synthetic_data\": false", File.ReadAllText(Path.Combine(result.RunDir, "test", "metrics.json")));
    }

    [Fact]
    public void The_tiny_model_is_never_written_over_a_users_model_folder()
    {
        string model = Directory.CreateDirectory(_dir.File("my-model")).FullName;
        File.WriteAllText(Path.Combine(model, "model.safetensors"), "the user's weights");
        var before = FileHash.OfTree(model);

        var e = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config($"model.path={model}")).Train(sandbox.RunDir("refused-model")));

        Assert.StartsWith($"{model}: refusing to write a tiny random Llama", e.Message);
        Assert.Equal(before, FileHash.OfTree(model));
    }

    [Fact]
    public void Demo_data_command_refuses_a_folder_of_the_users_and_leaves_it_unchanged()
    {
        string data = Directory.CreateDirectory(_dir.File("cli")).FullName;
        File.WriteAllText(Path.Combine(data, "val_p2x_data.pkl"), "the user's split");
        var before = FileHash.OfTree(data);

        var (code, stderr) = ExperimentCommandTests.Run("demo-data", "--task", "ihm", "--out", data, "--stays", "30");

        Assert.Equal(2, code);
        Assert.Contains("refusing to write a synthetic cohort", stderr);
        Assert.Equal(before, FileHash.OfTree(data));
    }
}
