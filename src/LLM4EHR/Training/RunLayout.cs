namespace LLM4EHR.Training;

/// <summary>
/// Files of a run folder: <c>config.yaml</c> (the resolved config, written by the front end), <c>base-model.sha256</c>
/// (which base model it trained on) and what the trainer keeps:
/// <c>log.jsonl</c> (one JSON object per optimizer step and per epoch),
/// <c>checkpoints/best.safetensors</c> (trained weights of the best evaluation, a <see cref="Models.TrainedWeights"/> file),
/// <c>checkpoints/last.safetensors</c> (resume state: trained weights, AdamW moments, RNG state, data position).
/// </summary>
public static class RunLayout
{
    public static string Config(string runDir) => Path.Combine(runDir, "config.yaml");
    public static string Log(string runDir) => Path.Combine(runDir, "log.jsonl");
    public static string Checkpoints(string runDir) => Path.Combine(runDir, "checkpoints");
    public static string BestWeights(string runDir) => Path.Combine(Checkpoints(runDir), "best.safetensors");
    public static string ResumeState(string runDir) => Path.Combine(Checkpoints(runDir), "last.safetensors");
    public static string SplitOutputs(string runDir, string split) => Path.Combine(runDir, split);
    /// <summary>Fingerprint of the base model the run trained on (config.json + safetensors headers).</summary>
    public static string ModelFingerprint(string runDir) => Path.Combine(runDir, "base-model.sha256");
    /// <summary>Train-split statistics a time-series model standardizes its inputs with (written when training starts).</summary>
    public static string SeriesStandardizer(string runDir) => Path.Combine(runDir, Data.Series.ColumnStandardizer.FileName);

    /// <summary>Throws unless <paramref name="runDir"/> is free for a new run (no training log, no resume checkpoint).</summary>
    public static void RequireFresh(string runDir)
    {
        if (File.Exists(ResumeState(runDir)) || File.Exists(Log(runDir)))
            throw new BadInputException($"{runDir}: already holds a training run (resume it with --resume, replace it with output.overwrite: true, or choose another output.run_dir)");
    }

    /// <summary>Every file a run writes, existing or not: the only files replacing a run may remove.</summary>
    public static IReadOnlyList<string> RunFiles(string runDir) =>
    [
        Config(runDir), Log(runDir), ModelFingerprint(runDir), SeriesStandardizer(runDir), Path.Combine(runDir, Experiments.RunProvenance.FileName),
        Path.Combine(runDir, Experiments.ModelCard.FileName), Path.Combine(runDir, Experiments.ModelCard.HtmlFileName), BestWeights(runDir), ResumeState(runDir),
        .. new[] { "val", "test" }.SelectMany(split => new[]
        {
            Path.Combine(SplitOutputs(runDir, split), "predictions.csv"), Path.Combine(SplitOutputs(runDir, split), "metrics.json"),
        }),
    ];

    /// <summary>The files of a previous run present in <paramref name="runDir"/> (what <see cref="Clear"/> would remove).</summary>
    public static IReadOnlyList<string> ExistingRunFiles(string runDir) => RunFiles(runDir).Where(File.Exists).ToList();

    /// <summary>
    /// Removes a previous run's files (<see cref="RunFiles"/>) and then its sub-folders if they are left empty. Nothing
    /// else is touched: a user's notes, plots or extra checkpoints in the folder (or in checkpoints/, test/) survive.
    /// </summary>
    public static void Clear(string runDir)
    {
        foreach (var file in ExistingRunFiles(runDir))
            File.Delete(file);
        foreach (var dir in new[] { Checkpoints(runDir), SplitOutputs(runDir, "val"), SplitOutputs(runDir, "test") })
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
    }
}
