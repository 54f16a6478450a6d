using System.Security.Cryptography;
using LLM4EHR.Config;

namespace LLM4EHR.Sweeps;

/// <summary>
/// A sweep run's resolved config: the base config with the shared overrides, the run's grid overrides and its run folder,
/// data.root and model.path made absolute against the sweep's working directory, so every worker and Slurm task (whatever
/// its current directory) trains exactly the same thing.
/// </summary>
public static class SweepConfigs
{
    public static ExperimentConfig Resolve(string sweepDir, SweepManifest manifest, SweepRun run) =>
        Resolve(manifest.BaseConfig, manifest.BaseOverrides, run.Overrides, SweepLayout.RunDir(sweepDir, run.Name), manifest.WorkingDirectory);

    public static ExperimentConfig Resolve(string baseConfig, IEnumerable<string> baseOverrides, IEnumerable<string> runOverrides,
        string runDir, string workingDirectory)
    {
        var config = ExperimentConfigLoader.Load(baseConfig, [.. baseOverrides, .. runOverrides, $"output.run_dir={runDir}"]);
        return config with
        {
            Data = config.Data with { Root = Path.GetFullPath(config.Data.Root, workingDirectory) },
            Model = config.Model with { Path = Path.GetFullPath(config.Model.Path, workingDirectory) },
        };
    }

    /// <summary>SHA-256 (hex) of the base config file's bytes.</summary>
    public static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Throws unless the base config is still the file the sweep was created from.</summary>
    public static void RequireUnchanged(SweepManifest manifest)
    {
        if (!File.Exists(manifest.BaseConfig))
            throw new BadInputException($"{manifest.BaseConfig}: the sweep's base config is gone");
        if (Hash(manifest.BaseConfig) != manifest.BaseConfigSha256)
            throw new BadInputException($"{manifest.BaseConfig}: changed since the sweep was created (sha256 differs); " +
                                        "restore it or start a new sweep folder");
    }
}
