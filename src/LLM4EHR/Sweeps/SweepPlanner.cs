using LLM4EHR.Data;
using LLM4EHR.Experiments;

namespace LLM4EHR.Sweeps;

/// <summary>
/// Creates a sweep folder, or reopens it when it already holds the same sweep (same base config file and content, shared
/// overrides and grid), so running the same command again continues the sweep. Every run's config is resolved and
/// checked, and the demo inputs the runs share are generated, before sweep.json is written: a bad override or grid
/// value fails here, naming the run, with nothing written.
/// </summary>
public static class SweepPlanner
{
    public static SweepManifest CreateOrOpen(SweepRequest request, IProgress<ExperimentStage>? stages = null)
    {
        string sweepDir = Path.GetFullPath(request.SweepDir);
        string baseConfig = Path.GetFullPath(request.BaseConfig);
        if (!File.Exists(baseConfig))
            throw new BadInputException($"{request.BaseConfig}: config file not found");
        if (SweepLayout.IsSweep(sweepDir))
            return Reopen(sweepDir, baseConfig, request);
        if (Directory.Exists(sweepDir) && Directory.EnumerateFileSystemEntries(sweepDir).Any())
            throw new BadInputException($"{sweepDir}: not empty and not a sweep folder (no sweep.json); choose a new or empty --out");

        string workingDirectory = Directory.GetCurrentDirectory();
        var points = SweepGrid.Expand(request.Grid);
        var runs = points.Select((p, i) => new SweepRun { Index = i, Name = p.Name, Overrides = p.Overrides }).ToList();
        var configs = runs.Select(run =>
        {
            string runDir = SweepLayout.RunDir(sweepDir, run.Name);
            try
            {
                var config = SweepConfigs.Resolve(baseConfig, request.BaseOverrides, run.Overrides, runDir, workingDirectory);
                ExperimentPreflight.Check(config, runDir, resume: false);
                return config;
            }
            catch (BadInputException e)
            {
                throw new BadInputException($"sweep run {run.Name} ({string.Join(' ', run.Overrides)}): {e.Message}", e);
            }
        }).ToList();

        // Generated once here, not by parallel tasks racing to write the same files.
        foreach (var config in configs.DistinctBy(c => (c.Task, c.Data)))
            if (DemoAssets.EnsureCohort(config.Task, config.Data))
                stages?.Report(new ExperimentStage("demo", $"wrote a synthetic {config.Task.Id()} cohort to {config.Data.Root}"));
        foreach (var config in configs.DistinctBy(c => c.Model.Path))
            if (DemoAssets.EnsureTinyModel(config.Model))
                stages?.Report(new ExperimentStage("demo", $"wrote a tiny random Llama to {config.Model.Path}"));

        var manifest = new SweepManifest
        {
            BaseConfig = baseConfig,
            BaseConfigSha256 = SweepConfigs.Hash(baseConfig),
            BaseOverrides = request.BaseOverrides,
            Grid = request.Grid,
            WorkingDirectory = workingDirectory,
            Created = DateTimeOffset.UtcNow,
            Runs = runs,
        };
        SweepStore.Create(sweepDir, manifest);
        stages?.Report(new ExperimentStage("sweep", $"{runs.Count} runs in {SweepLayout.Runs(sweepDir)}"));
        return manifest;
    }

    private static SweepManifest Reopen(string sweepDir, string baseConfig, SweepRequest request)
    {
        var manifest = SweepStore.Read(sweepDir);
        var differences = new List<string>();
        if (manifest.BaseConfig != baseConfig)
            differences.Add($"base config {manifest.BaseConfig}, now {baseConfig}");
        if (!manifest.BaseOverrides.SequenceEqual(request.BaseOverrides))
            differences.Add($"--set {string.Join(' ', manifest.BaseOverrides)}, now {string.Join(' ', request.BaseOverrides)}");
        if (!Describe(manifest.Grid).SequenceEqual(Describe(request.Grid)))
            differences.Add($"--grid {string.Join(' ', Describe(manifest.Grid))}, now {string.Join(' ', Describe(request.Grid))}");
        if (differences.Count > 0)
            throw new BadInputException($"{sweepDir}: holds a different sweep ({string.Join("; ", differences)}); " +
                                        "continue it with its own arguments or choose another --out");
        SweepConfigs.RequireUnchanged(manifest);
        return manifest;
    }

    private static IEnumerable<string> Describe(IReadOnlyList<SweepAxis> grid) =>
        grid.Select(a => $"{a.Key}={string.Join(',', a.Values)}");
}

/// <summary>What <c>llm4ehr sweep</c> was asked for: a base config, overrides shared by every run, and the grid.</summary>
public sealed record SweepRequest(string SweepDir, string BaseConfig, IReadOnlyList<string> BaseOverrides, IReadOnlyList<SweepAxis> Grid);
