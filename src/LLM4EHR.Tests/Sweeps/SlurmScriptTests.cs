using System.Diagnostics;
using LLM4EHR.Sweeps;
using LLM4EHR.Sweeps.Slurm;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>The job-array script: one task per run, the requested resources, per-task logs, requeue, valid bash.</summary>
public sealed class SlurmScriptTests
{
    private static readonly SweepManifest Manifest = new()
    {
        BaseConfig = "/configs/ihm.yaml", BaseConfigSha256 = "00", BaseOverrides = [], WorkingDirectory = "/work/project",
        Grid = [new SweepAxis("training.seed", ["1", "2", "3", "4"])], Created = DateTimeOffset.UnixEpoch,
        Runs = Enumerable.Range(0, 4).Select(i => new SweepRun { Index = i, Name = $"seed-{i + 1}", Overrides = [$"training.seed={i + 1}"] }).ToList(),
    };

    private static readonly SlurmOptions Options = new()
    {
        Partition = "gpu", Gres = "gpu:1", Time = "04:00:00", Mem = "32G", CpusPerTask = 8, MaxParallel = 2,
    };

    [Fact]
    public void One_array_task_per_run_with_the_requested_resources()
    {
        string script = SlurmScript.Render("/sweeps/my sweep", Manifest, Options, ["/opt/llm4ehr/llm4ehr"]);
        var directives = script.Split('\n').Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal)).Select(l => l[8..]).ToList();
        Assert.Equal([
            "--job-name=llm4ehr-my-sweep", "--array=0-3%2", "--output=\"/sweeps/my sweep/logs/%A_%a.out\"", "--open-mode=append",
            "--chdir=/work/project", "--requeue", "--signal=B:USR1@120", "--partition=gpu", "--gres=gpu:1", "--time=04:00:00",
            "--mem=32G", "--cpus-per-task=8"], directives);
        Assert.Contains("'/opt/llm4ehr/llm4ehr' sweep task '/sweeps/my sweep' --index \"$SLURM_ARRAY_TASK_ID\" &", script);
        Assert.Contains("scontrol requeue", script);

        string bare = SlurmScript.Render("/s", Manifest, new SlurmOptions(), ["dotnet", "/opt/it's/LLM4EHR.Cli.dll"]);
        Assert.Contains("#SBATCH --array=0-3\n", bare);
        Assert.DoesNotContain("--partition", bare);
        Assert.Contains("'dotnet' '/opt/it'\\''s/LLM4EHR.Cli.dll' sweep task", bare);
    }

    [Fact]
    public void The_script_is_valid_bash()
    {
        string file = Path.Combine(Path.GetTempPath(), $"llm4ehr-{Guid.NewGuid():N}.sbatch");
        File.WriteAllText(file, SlurmScript.Render("/s", Manifest, Options, ["llm4ehr"]));
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-n", file }, RedirectStandardError = true })!;
            string errors = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, errors);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("gpu part", "--partition: 'gpu part' is not a plain Slurm value")]
    [InlineData("a$(rm)", "--partition: 'a$(rm)' is not a plain Slurm value")]
    public void Option_values_that_could_break_the_script_are_refused(string partition, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => SlurmScript.Render("/s", Manifest, new SlurmOptions { Partition = partition }, ["llm4ehr"]));
        Assert.StartsWith(expected, e.Message);
        Assert.StartsWith("--max-parallel: 0", Assert.Throws<BadInputException>(() => new SlurmOptions { MaxParallel = 0 }.Validate()).Message);
    }
}
