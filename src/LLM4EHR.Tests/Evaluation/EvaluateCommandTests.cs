using System.Text.Json;
using LLM4EHR.Cli;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Evaluation;

/// <summary><c>llm4ehr evaluate</c> run in-process through the same command catalog and error mapping as Program.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llm4ehr-evalcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Evaluate_writes_metrics_json_with_headline_ci_and_calibration()
    {
        var predictions = Path.Combine(FixtureRoot.Path, "metrics", "ihm-basic", "predictions.csv");
        var output = Path.Combine(_dir, "out", "metrics.json");
        var (code, error) = Run("evaluate", "--task", "ihm", "--predictions", predictions, "--bootstrap", "50", "--out", output, "--curves");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        var root = json.RootElement;
        foreach (var key in new[] { "auroc", "auprc", "f1", "accuracy" })
        {
            double value = root.GetProperty(key).GetDouble();
            var ci = root.GetProperty("ci").GetProperty(key);
            Assert.True(ci[0].GetDouble() <= ci[1].GetDouble(), $"{key}: interval out of order");
            Assert.InRange(value, 0, 1);
        }
        Assert.Equal(50, root.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        Assert.True(root.GetProperty("calibration").GetProperty("brier").GetDouble() > 0);
        Assert.True(root.GetProperty("curves")[0].GetProperty("roc").GetProperty("fpr").GetArrayLength() > 2);
    }

    [Theory]
    [InlineData("name,label,prob\ns1,1,0.9\ns2,0,oops\n", "row 2 (s2): column prob: 'oops' is not a number")]
    [InlineData("name,label,prob\ns1,1,0.9\ns2,3,0.2\n", "row 2 (s2): column label: '3' is not 0 or 1")]
    [InlineData("name,label\ns1,1\n", "header: missing column 'prob'")]
    public void Bad_csv_exits_2_with_file_row_and_column(string content, string expected)
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, content);
        var output = Path.Combine(_dir, "metrics.json");
        var (code, error) = Run("evaluate", "--task", "ihm", "--predictions", path, "--out", output);
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Contains(path, error);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(output), "no metrics.json may be written for bad input");
    }

    [Fact]
    public void Task_that_does_not_match_the_file_exits_2()
    {
        var predictions = Path.Combine(FixtureRoot.Path, "metrics", "ihm-basic", "predictions.csv");
        var (code, error) = Run("evaluate", "--task", "pheno", "--predictions", predictions, "--out", Path.Combine(_dir, "m.json"));
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Contains("missing column 'label_0'", error);
    }

    /// <summary>Runs the CLI as Program does; returns the exit code and the error message (empty on success).</summary>
    private static (int Code, string Error) Run(params string[] args)
    {
        try
        {
            return (CommandCatalog.CreateApp().Run(args), "");
        }
        catch (Exception e)
        {
            return (ErrorReporter.Report(e, verbose: false), e.Message);
        }
    }
}
