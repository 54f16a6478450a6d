namespace LLM4EHR.Sweeps;

/// <summary>
/// Files of a sweep folder: <c>sweep.json</c> (the manifest), <c>runs/NAME/</c> (one run folder per grid point, see
/// <see cref="Training.RunLayout"/>), <c>sweep.sbatch</c> and <c>logs/%A_%a.out</c> (Slurm), <c>.sweep.lock</c>.
/// </summary>
public static class SweepLayout
{
    public static string Manifest(string sweepDir) => Path.Combine(sweepDir, "sweep.json");
    public static string Lock(string sweepDir) => Path.Combine(sweepDir, ".sweep.lock");
    public static string Runs(string sweepDir) => Path.Combine(sweepDir, "runs");
    public static string RunDir(string sweepDir, string name) => Path.Combine(Runs(sweepDir), name);
    public static string SlurmScript(string sweepDir) => Path.Combine(sweepDir, "sweep.sbatch");
    public static string Logs(string sweepDir) => Path.Combine(sweepDir, "logs");

    /// <summary>True when <paramref name="dir"/> holds a sweep manifest.</summary>
    public static bool IsSweep(string dir) => File.Exists(Manifest(dir));

    /// <summary>The run folders of a sweep's done runs that hold test predictions, in grid order.</summary>
    public static IReadOnlyList<string> FinishedRunDirs(string sweepDir, SweepManifest manifest) =>
        manifest.Runs.Where(r => r.Status == SweepRunStatus.Done)
            .Select(r => RunDir(sweepDir, r.Name))
            .Where(d => File.Exists(Path.Combine(Training.RunLayout.SplitOutputs(d, "test"), "predictions.csv")))
            .ToList();
}
