using System.Diagnostics;
using LLM4EHR.Sweeps;
using LLM4EHR.Tests.Data;
using LLM4EHR.Tests.Experiments;
using Xunit.Abstractions;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>
/// <c>llm4ehr sweep --slurm</c> against a real Slurm (<see cref="LocalSlurmCluster"/>): the small demo, 2 variants × 2 seeds,
/// submitted by the built CLI as a job array, must give every run the same test metrics as the same grid run locally
/// (CPU runs are deterministic). Run 0 was interrupted locally first, so its array task resumes from the checkpoint, as
/// a requeued or preempted task does.
/// </summary>
[Collection(ExperimentCollection.Name)]
[Trait("Category", "Slurm")]
public sealed class SlurmSweepTests(ExperimentSandbox sandbox, ITestOutputHelper output)
{
    private static readonly string[] Grid = ["lora.enabled=true,false", "training.seed=1,2"];
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public void A_job_array_sweep_gives_the_metrics_of_the_same_sweep_run_locally()
    {
        using var cluster = LocalSlurmCluster.Start(TimeSpan.FromSeconds(45));
        var clock = Stopwatch.StartNew();
        var sweeps = new SandboxSweeps(sandbox);

        sweeps.Plan("local", Grid);
        Assert.True(sweeps.Executor("local", bootstrap: 1000).RunAvailable().AllDone); // the CLI's bootstrap, as the array tasks use
        var local = clock.Elapsed;

        // The Slurm sweep's run 0 starts here and is interrupted mid-epoch: its checkpoint is what the array task finds.
        sweeps.Plan("slurm", Grid);
        using (var cancel = new CancellationTokenSource())
            Assert.True(sweeps.Executor("slurm", training: SandboxSweeps.CancelAtStep3(cancel), bootstrap: 1000).RunOne(0, cancel.Token).Interrupted);

        var (code, stdout, stderr) = Cli(cluster, "sweep", "--config", sweeps.BaseConfig, "--set", SandboxSweeps.SharedOverrides[0], "--set", SandboxSweeps.SharedOverrides[1],
            "--grid", Grid[0], "--grid", Grid[1], "--out", sweeps.Dir("slurm"), "--slurm", "--max-parallel", "2", "--cpus-per-task", "1");
        Assert.True(code == 0, $"sweep --slurm exited {code}: {stderr}{stdout}");
        string job = SweepStore.Read(sweeps.Dir("slurm")).Slurm?.JobId ?? throw new Xunit.Sdk.XunitException("no job id recorded");
        Assert.Contains($"submitted job {job}", stdout);

        var manifest = WaitForJob(cluster, sweeps.Dir("slurm"), job);
        output.WriteLine($"local sweep {local.TotalSeconds:F0} s; Slurm part {(clock.Elapsed - local).TotalSeconds:F0} s");
        Assert.All(manifest.Runs, r => Assert.True(r.Status == SweepRunStatus.Done, $"{r.Name}: {r.Status} {r.Error}; log: {Log(sweeps, job, r.Index)}"));
        foreach (var run in manifest.Runs)
            Assert.True(sweeps.Metrics("local", run.Name) == sweeps.Metrics("slurm", run.Name), $"{run.Name}: Slurm and local test metrics differ");
        Assert.Equal(2, manifest.Runs[0].Attempts);
        Assert.Contains("resumed", Log(sweeps, job, 0));
        Assert.Contains($"slurm {job}_3", manifest.Runs[3].Owner);

        var status = Cli(cluster, "sweep", "status", sweeps.Dir("slurm"));
        Assert.True(status.Code == 0, status.Err);
        Assert.Contains($"job {job}", status.Out);
        Assert.Contains("4 runs: 4 done", status.Out);
    }

    // Until every task has left the queue and the manifest shows no run in progress, or the timeout.
    private static SweepManifest WaitForJob(LocalSlurmCluster cluster, string sweepDir, string job)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var manifest = SweepStore.Read(sweepDir);
            bool queued = cluster.Run("squeue", "--noheader", "--jobs", job).Out.Trim().Length > 0;
            if (!queued && manifest.Runs.All(r => r.Status is not (SweepRunStatus.Running or SweepRunStatus.Pending)))
                return manifest;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"job {job} not finished within {JobTimeout.TotalMinutes} min: " +
                    string.Join(", ", manifest.Runs.Select(r => $"{r.Name} {r.Status}")) + "; squeue: " + cluster.Run("squeue").Out);
            Thread.Sleep(1000);
        }
    }

    private static string Log(SandboxSweeps sweeps, string job, int task)
    {
        string path = Path.Combine(SweepLayout.Logs(sweeps.Dir("slurm")), $"{job}_{task}.out");
        return File.Exists(path) ? File.ReadAllText(path) : $"({path} missing)";
    }

    /// <summary>The built CLI as a process, with what its Slurm jobs need: the cluster, a token cache, the .NET runtime.</summary>
    private (int Code, string Out, string Err) Cli(LocalSlurmCluster cluster, params string[] args) =>
        CliProcess.Run(new Dictionary<string, string>(cluster.Environment)
        {
            ["LLM4EHR_CACHE"] = Path.Combine(sandbox.Root, "job-cache"), // the jobs' own token cache, never the user's
            ["DOTNET_ROOT"] = DotnetRoot(),
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? sandbox.Root,
        }, sandbox.Root, args);

    // .../shared/Microsoft.NETCore.App/10.x.y/System.Private.CoreLib.dll → the folder holding `shared`.
    private static string DotnetRoot() =>
        Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? root
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
}
