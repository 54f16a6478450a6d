namespace LLM4EHR.Training;

/// <summary>
/// Files the trainer keeps in a run folder:
/// <c>log.jsonl</c> (one JSON object per optimizer step and per epoch),
/// <c>checkpoints/best.safetensors</c> (trained weights of the best evaluation, a <see cref="Models.TrainedWeights"/> file),
/// <c>checkpoints/last.safetensors</c> (resume state: trained weights, AdamW moments, RNG state, data position).
/// </summary>
public static class RunLayout
{
    public static string Log(string runDir) => Path.Combine(runDir, "log.jsonl");
    public static string Checkpoints(string runDir) => Path.Combine(runDir, "checkpoints");
    public static string BestWeights(string runDir) => Path.Combine(Checkpoints(runDir), "best.safetensors");
    public static string ResumeState(string runDir) => Path.Combine(Checkpoints(runDir), "last.safetensors");
}
