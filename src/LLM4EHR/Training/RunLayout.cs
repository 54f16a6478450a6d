namespace LLM4EHR.Training;

/// <summary>
/// Files of a run folder: <c>config.yaml</c> (the resolved config, written by the front end) and what the trainer keeps:
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

    /// <summary>Throws unless <paramref name="runDir"/> is free for a new run (no training log, no resume checkpoint).</summary>
    public static void RequireFresh(string runDir)
    {
        if (File.Exists(ResumeState(runDir)) || File.Exists(Log(runDir)))
            throw new BadInputException($"{runDir}: already holds a training run (resume it with --resume, replace it with output.overwrite: true, or choose another output.run_dir)");
    }

    /// <summary>
    /// Removes a previous run's files (config, log, checkpoints, val/test outputs) and nothing else, so a user's own
    /// files in the folder survive.
    /// </summary>
    public static void Clear(string runDir)
    {
        foreach (var file in new[] { Config(runDir), Log(runDir) })
            File.Delete(file);
        foreach (var dir in new[] { Checkpoints(runDir), SplitOutputs(runDir, "val"), SplitOutputs(runDir, "test") })
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
    }
}
