using System.Text;
using LLM4EHR.Data;

namespace LLM4EHR.Tests.Data;

/// <summary>demo-data and inspect end to end: exit 0 on good data, exit 2 with one line on bad input.</summary>
public sealed class DataCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llm4ehr-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Demo_data_then_inspect()
    {
        var (code, _, err) = CliProcess.Run("demo-data", "--task", "pheno", "--out", _dir, "--stays", "36", "--seed", "3");
        Assert.True(code == 0, err);
        foreach (var split in Enum.GetValues<P2xSplit>())
            Assert.True(File.Exists(P2xDataset.SplitPath(_dir, split)));
        Assert.Equal(24, P2xDataset.LoadSplit(_dir, ClinicalTask.Pheno, P2xSplit.Train).Count);

        (code, var output, err) = CliProcess.Run("inspect", "--data-root", _dir, "--task", "pheno");
        Assert.True(code == 0, err);
        Assert.Contains("all splits valid", output);
        Assert.Contains("Septicemia (except in labor)", output); // per-phenotype table
        Assert.Matches(@"train\s*│\s*24\s*│", output);
    }

    [Fact]
    public void Inspect_refuses_a_forbidden_global_with_exit_2()
    {
        var (code, _, err) = CliProcess.Run("demo-data", "--task", "ihm", "--out", _dir, "--stays", "6");
        Assert.True(code == 0, err);
        byte[] exploit = [0x80, 2, .. Encoding.ASCII.GetBytes("cos\nsystem\n(X"), 4, 0, 0, 0, .. Encoding.ASCII.GetBytes("true"), (byte)'t', (byte)'R', (byte)'.'];
        File.WriteAllBytes(P2xDataset.SplitPath(_dir, P2xSplit.Val), exploit);

        (code, var output, err) = CliProcess.Run("inspect", "--data-root", _dir, "--task", "ihm");

        Assert.Equal(2, code);
        Assert.Equal("llm4ehr: error: val_p2x_data.pkl: unsupported pickle global 'os.system'", err.Trim());
    }

    [Fact]
    public void Inspect_missing_split_and_wrong_task_exit_2()
    {
        var (code, _, err) = CliProcess.Run("inspect", "--data-root", _dir, "--task", "ihm");
        Assert.Equal(2, code);
        Assert.StartsWith("llm4ehr: error: train_p2x_data.pkl: split file not found", err.Trim());

        (code, _, err) = CliProcess.Run("demo-data", "--task", "los", "--out", _dir);
        Assert.Equal(2, code);
        Assert.Equal("llm4ehr: error: unknown task 'los' (expected ihm or pheno)", err.Trim());
    }
}
