using LLM4EHR.Cli;
using LLM4EHR.Tests.Experiments;

namespace LLM4EHR.Tests.Cli;

/// <summary>The command line refuses what it does not understand, naming the option and the closest known one.</summary>
public sealed class CliArgumentsTests
{
    [Theory]
    [InlineData(new[] { "train", "--confg", "x.yaml" }, "llm4ehr train: unknown option '--confg' (did you mean --config?)")]
    [InlineData(new[] { "train", "--config", "x.yaml", "--resum" }, "llm4ehr train: unknown option '--resum' (did you mean --resume?)")]
    [InlineData(new[] { "train", "--config", "x.yaml", "--epochs", "3" }, "llm4ehr train: unknown option '--epochs' (training.epochs is a config key: --set training.epochs=3)")]
    [InlineData(new[] { "train", "--config", "x.yaml", "--epoch", "3" }, "llm4ehr train: unknown option '--epoch' (training.epochs is a config key: --set training.epochs=3)")]
    [InlineData(new[] { "inspect", "--data-root", "d", "--task", "ihm", "--sample" }, "llm4ehr inspect: unknown option '--sample' (known: --audit, --data-root, --help, --max-tokens, --model, --strict, --subject-pattern, --task, --verbose)")]
    [InlineData(new[] { "inspect", "--data-root", "d", "--task", "ihm", "--audti" }, "llm4ehr inspect: unknown option '--audti' (did you mean --audit?)")]
    [InlineData(new[] { "bench", "load", "--stay", "10" }, "llm4ehr bench load: unknown option '--stay' (did you mean --stays?)")]
    public void Unknown_options_are_errors_naming_the_option_and_a_suggestion(string[] args, string message)
    {
        var (code, stderr) = ExperimentCommandTests.Run(args);
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Equal($"llm4ehr: error: {message}", stderr.Trim());
    }

    [Fact]
    public void Set_without_equals_says_what_it_expects()
    {
        var (code, stderr) = ExperimentCommandTests.Run("train", "--config", "x.yaml", "--set", "training.lr", "1e-4");
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Equal("llm4ehr: error: --set expects key=value (e.g. --set training.lr=1e-4), got '--set training.lr'; write --set training.lr=1e-4",
            stderr.Trim());
    }

    [Fact]
    public void A_missing_config_says_how_to_resume_without_one()
    {
        var (code, stderr) = ExperimentCommandTests.Run("train", "--out", "somewhere");
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Contains("--config FILE is required (or --resume --out RUN_DIR", stderr);
    }

    [Fact]
    public void Help_as_a_verb_and_version_work()
    {
        var (help, helpErr) = ExperimentCommandTests.Run("help");
        Assert.True(help == 0, helpErr);
        var (trainHelp, trainErr) = ExperimentCommandTests.Run("help", "train");
        Assert.True(trainHelp == 0, trainErr);
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-f]{12,40}$", CommandCatalog.Version); // built from a checkout: carries the commit
        var (version, versionErr) = ExperimentCommandTests.Run("--version");
        Assert.True(version == 0, versionErr);
    }
}
