using LLM4EHR.Cli;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Experiments;

/// <summary><c>llm4ehr train</c> and <c>llm4ehr test</c> run in-process as Program runs them (exit codes, stderr).</summary>
[Collection(ExperimentCollection.Name)]
public sealed class ExperimentCommandTests(ExperimentSandbox sandbox)
{
    [Fact]
    public void Train_with_an_unknown_config_key_exits_2_naming_the_key_and_line()
    {
        string yaml = sandbox.Yaml.Replace("  batch_size: 8", "  batch_size: 8\n  epoch: 3");
        int line = yaml.Split('\n').ToList().FindIndex(l => l == "  epoch: 3") + 1;
        string path = Path.Combine(sandbox.Root, "bad-key.yaml");
        File.WriteAllText(path, yaml);

        var (code, stderr) = Run("train", "--config", path);

        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Contains($"bad-key.yaml:{line}: training.epoch: unknown key", stderr);
    }

    [Fact]
    public void Test_on_a_missing_run_folder_exits_2()
    {
        string missing = sandbox.RunDir("no-such-run");
        var (code, stderr) = Run("test", "--run", missing);
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Equal($"llm4ehr: error: {missing}: run folder not found", stderr.Trim());
    }

    [Fact]
    public void Train_then_test_through_the_cli_exit_0_and_agree()
    {
        string config = Path.Combine(sandbox.Root, "small.yaml");
        File.WriteAllText(config, sandbox.Yaml);
        string run = sandbox.RunDir("cli");
        using var cache = new EnvironmentOverride("LLM4EHR_CACHE", sandbox.CacheDirectory);   // safe: this collection runs alone
        var (trainCode, trainErr) = Run("train", "--config", config, "--out", run, "--set", "training.epochs=1");
        Assert.True(trainCode == 0, trainErr);
        string metrics = File.ReadAllText(Path.Combine(run, "test", "metrics.json"));

        var (testCode, testErr) = Run("test", "--run", run, "--bootstrap", "1000");
        Assert.True(testCode == 0, testErr);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
    }

    /// <summary>Runs the CLI as Program does; returns the exit code and what went to stderr.</summary>
    internal static (int Code, string Stderr) Run(params string[] args)
    {
        // Errors go to the writer given, not to Console.Error, which tests running in parallel may be writing to.
        var stderr = new StringWriter();
        return (CliEntry.Run(args, stderr), stderr.ToString());
    }
}
