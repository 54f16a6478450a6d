using LLM4EHR.Sweeps;
using LLM4EHR.Tests.Experiments;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>Sweeps of the small experiment: planning, running, skipping, interrupting, resuming and failing runs.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class SweepExecutorTests(ExperimentSandbox sandbox)
{
    private readonly SandboxSweeps _sweeps = new(sandbox);

    private SweepManifest Plan(string name, params string[] grid) => _sweeps.Plan(name, grid);
    private string SweepDir(string name) => _sweeps.Dir(name);
    private SweepExecutor Executor(string name, List<SweepEvent>? events = null, IProgress<TrainingProgress>? training = null) =>
        _sweeps.Executor(name, events, training);
    private string Metrics(string sweep, string run) => _sweeps.Metrics(sweep, run);

    // The same run trained on its own, uninterrupted.
    private string Direct(string name, params string[] overrides)
    {
        var result = sandbox.Runner(sandbox.Config(["training.epochs=1", .. overrides])).Train(sandbox.RunDir(name));
        return File.ReadAllText(Path.Combine(result.RunDir, "test", "metrics.json"));
    }

    [Fact]
    public void A_bad_grid_value_fails_naming_the_run_before_anything_is_written()
    {
        var e = Assert.Throws<BadInputException>(() => Plan("bad", "training.seed=1", "training.lr=0.001,fast"));
        Assert.StartsWith("sweep run seed-1_lr-fast (training.seed=1 training.lr=fast): ", e.Message);
        Assert.Contains("training.lr", e.Message);
        Assert.False(Directory.Exists(SweepDir("bad")));
    }

    [Fact]
    public void Every_run_finishes_like_a_run_of_its_own_and_done_runs_are_not_run_again()
    {
        var manifest = Plan("two", "training.seed=1,2");
        Assert.Equal(["seed-1", "seed-2"], manifest.Runs.Select(r => r.Name));
        Assert.Equal(_sweeps.BaseConfig, manifest.BaseConfig);
        Assert.Equal(SweepConfigs.Hash(_sweeps.BaseConfig), manifest.BaseConfigSha256);

        var outcome = Executor("two").RunAvailable();
        Assert.True(outcome.AllDone && !outcome.Interrupted);
        Assert.All(outcome.Manifest.Runs, r => Assert.True(r.Attempts == 1 && r.WallSeconds > 0 && r.Ended >= r.Started));
        Assert.Equal(Direct("sweep-direct-seed-2", "training.seed=2"), Metrics("two", "seed-2"));
        // The trainer logs each step's seconds: the leaderboard's train time and token rate come from them.
        var speed = LLM4EHR.Leaderboard.RunThroughput.Read(SweepLayout.RunDir(SweepDir("two"), "seed-1"));
        Assert.True(speed.TrainSeconds > 0 && speed.TokensPerSecond > 0, $"{speed}");

        // Again, through the same request: the sweep reopens, nothing runs, a Slurm-style task skips its done run.
        var events = new List<SweepEvent>();
        Plan("two", "training.seed=1,2");
        var executor = Executor("two", events);
        executor.Reset();
        Assert.True(executor.RunAvailable().AllDone);
        executor.RunOne(1);
        Assert.Equal([(SweepEventKind.Skipped, "seed-2")], events.Select(e => (e.Kind, e.Name)));
        Assert.All(SweepStore.Read(SweepDir("two")).Runs, r => Assert.Equal(1, r.Attempts));

        var other = Assert.Throws<BadInputException>(() => Plan("two", "training.seed=1,3"));
        Assert.Contains("holds a different sweep", other.Message);
    }

    [Fact]
    public void An_interrupted_run_resumes_to_the_same_metrics_and_a_failing_run_does_not_stop_the_others()
    {
        Plan("resume", "training.seed=1,2,3");
        // A run folder with a checkpoint but no config: resuming it fails, however often it is retried.
        string broken = SweepLayout.RunDir(SweepDir("resume"), "seed-2");
        Directory.CreateDirectory(RunLayout.Checkpoints(broken));
        File.WriteAllText(RunLayout.ResumeState(broken), "not a checkpoint");

        using var cancel = new CancellationTokenSource();
        var first = Executor("resume", training: SandboxSweeps.CancelAtStep3(cancel)).RunAvailable(cancel.Token);
        Assert.True(first.Interrupted);
        Assert.Equal([SweepRunStatus.Interrupted, SweepRunStatus.Pending, SweepRunStatus.Pending], first.Manifest.Runs.Select(r => r.Status));
        Assert.True(File.Exists(RunLayout.ResumeState(SweepLayout.RunDir(SweepDir("resume"), "seed-1"))));

        var events = new List<SweepEvent>();
        var executor = Executor("resume", events);
        executor.Reset();
        var second = executor.RunAvailable();
        Assert.Equal([SweepRunStatus.Done, SweepRunStatus.Failed, SweepRunStatus.Done], second.Manifest.Runs.Select(r => r.Status));
        Assert.True(second.AnyFailed && !second.Interrupted);
        Assert.Equal(SweepEventKind.Resumed, events.First(e => e.Name == "seed-1").Kind);
        var failed = second.Manifest.Runs[1];
        Assert.Contains("cannot resume: the run's config.yaml is missing", failed.Error);
        Assert.DoesNotContain('\n', failed.Error!);
        Assert.Equal(2, second.Manifest.Runs[0].Attempts);
        Assert.Equal(Direct("sweep-direct-seed-1", "training.seed=1"), Metrics("resume", "seed-1"));
    }

    [Fact]
    public void A_run_left_running_by_a_process_that_is_gone_becomes_resumable()
    {
        Plan("stale", "training.seed=1,2");
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        SweepStore.Update(SweepDir("stale"), m => m
            .WithRun(0, r => r with { Status = SweepRunStatus.Running, Owner = $"{Environment.MachineName}:{exited.Id}" })
            .WithRun(1, r => r with { Status = SweepRunStatus.Running, Owner = SweepOwner.Current }));
        var reset = Executor("stale").Reset();
        Assert.Equal([SweepRunStatus.Interrupted, SweepRunStatus.Running], reset.Runs.Select(r => r.Status));
    }
}
