using LLM4EHR.Sweeps;
using LLM4EHR.Tests.Experiments;

namespace LLM4EHR.Tests.Sweeps;

/// <summary><c>llm4ehr sweep</c>, <c>sweep status</c>, <c>sweep task</c> and <c>leaderboard</c> in-process as a user runs them (exit codes, stderr).</summary>
[Collection(ExperimentCollection.Name)]
public sealed class SweepCommandTests(ExperimentSandbox sandbox)
{
    private readonly SandboxSweeps _sweeps = new(sandbox);

    private static (int Code, string Stderr) Run(params string[] args) => ExperimentCommandTests.Run(args);

    [Fact]
    public void A_bad_grid_exits_2_and_writes_nothing()
    {
        string dir = _sweeps.Dir("cli-bad");
        var (code, stderr) = Run("sweep", "--config", _sweeps.BaseConfig, "--grid", "training.sed=1,2", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("sweep run sed-1 (training.sed=1): --set training.sed=1: training.sed: unknown key", stderr);
        Assert.False(Directory.Exists(dir));

        Assert.Equal(2, Run("sweep", "--config", _sweeps.BaseConfig, "--out", dir, "--dry-run").Code);
        Assert.Contains("did you mean --grid?", Run("sweep", "--config", _sweeps.BaseConfig, "--out", dir, "--gird", "a=1").Stderr);
    }

    [Fact]
    public void A_dry_run_writes_the_script_and_records_no_job_then_status_and_task_read_the_sweep()
    {
        string dir = _sweeps.Dir("cli-dry");
        var (code, stderr) = Run("sweep", "--config", _sweeps.BaseConfig, "--set", "training.epochs=1", "--grid", "training.seed=1,2",
            "--out", dir, "--slurm", "--dry-run", "--gres", "gpu:1", "--max-parallel", "1");
        Assert.True(code == 0, stderr);
        var manifest = SweepStore.Read(dir);
        Assert.Null(manifest.Slurm!.JobId);
        Assert.Equal(SweepLayout.SlurmScript(dir), manifest.Slurm.Script);
        Assert.Contains("#SBATCH --array=0-1%1", File.ReadAllText(manifest.Slurm.Script));
        Assert.True(Directory.Exists(SweepLayout.Logs(dir)));
        Assert.All(manifest.Runs, r => Assert.Equal(SweepRunStatus.Pending, r.Status));

        Assert.Equal(0, Run("sweep", "status", dir).Code);
        var (taskCode, taskErr) = Run("sweep", "task", dir, "--index", "5");
        Assert.Equal(2, taskCode);
        Assert.Contains("--index 5: the sweep has runs 0..1", taskErr);
        Assert.Contains("not a sweep folder", Run("sweep", "status", sandbox.Root).Stderr);
    }

    [Fact]
    public void Leaderboard_of_a_folder_without_runs_exits_2()
    {
        string empty = Path.Combine(sandbox.Root, "no-runs-here");
        Directory.CreateDirectory(empty);
        var (code, stderr) = Run("leaderboard", empty);
        Assert.Equal(2, code);
        Assert.Contains("neither a run folder (config.yaml), a sweep folder (sweep.json) nor a folder of finished runs", stderr);
    }
}
