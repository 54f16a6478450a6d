using LLM4EHR.Runtime;
using LLM4EHR.Sweeps;
using LLM4EHR.Tests.Experiments;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>Sweeps of the sandbox's small experiment (one epoch each) under <c>ROOT/sweeps/NAME</c>, on its token cache.</summary>
internal sealed class SandboxSweeps(ExperimentSandbox sandbox)
{
    // One libtorch thread everywhere: local runs and Slurm tasks (--cpus-per-task 1) then take the same kernels, and
    // MKL's optimized path (Runtime/MklIntelPath) splits reductions by thread count, so the same thread count is what
    // makes their metrics bit-identical.
    public static readonly string[] SharedOverrides = ["training.epochs=1", "training.threads=1"];

    /// <summary>The sandbox's YAML as a file, the base config of every sweep here.</summary>
    public string BaseConfig
    {
        get
        {
            string path = Path.Combine(sandbox.Root, "sweep-base.yaml");
            if (!File.Exists(path))
                File.WriteAllText(path, sandbox.Yaml);
            return path;
        }
    }

    public string Dir(string name) => Path.Combine(sandbox.Root, "sweeps", name);

    public SweepManifest Plan(string name, params string[] grid) =>
        SweepPlanner.CreateOrOpen(new SweepRequest(Dir(name), BaseConfig, SharedOverrides, SweepAxis.ParseAll(grid)));

    /// <param name="bootstrap">The CLI's 1000 by default; the sandbox's small bootstrap to compare with sandbox runs.</param>
    public SweepExecutor Executor(string name, List<SweepEvent>? events = null, IProgress<TrainingProgress>? training = null,
        int bootstrap = ExperimentSandbox.Bootstrap) =>
        new(Dir(name))
        {
            Events = events is null ? null : new InlineProgress<SweepEvent>(events.Add),
            TrainingProgress = training,
            BootstrapResamples = bootstrap,
            TokenCacheDirectory = sandbox.CacheDirectory,
        };

    /// <summary>A training progress that cancels <paramref name="cancel"/> at optimizer step 3 (mid-epoch).</summary>
    public static IProgress<TrainingProgress> CancelAtStep3(CancellationTokenSource cancel) =>
        new InlineProgress<TrainingProgress>(p => { if (p.Step == 3) cancel.Cancel(); });

    public string Metrics(string sweep, string run) =>
        File.ReadAllText(Path.Combine(SweepLayout.RunDir(Dir(sweep), run), "test", "metrics.json"));
}
