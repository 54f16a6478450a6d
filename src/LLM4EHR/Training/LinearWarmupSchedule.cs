namespace LLM4EHR.Training;

/// <summary>
/// Linear warmup then linear decay to zero, counted in optimizer steps, with the semantics of Hugging Face's
/// <c>get_linear_schedule_with_warmup</c> under PyTorch's LambdaLR: optimizer step k (0-based) uses
/// peak × k / warmup while k &lt; warmup, then peak × (total − k) / (total − warmup). So with warmup the very first
/// step runs at lr 0, exactly as the reference does.
/// </summary>
public sealed record LinearWarmupSchedule(double PeakLr, long TotalSteps, long WarmupSteps)
{
    /// <summary>warmup = ceil(ratio × total), as Hugging Face's TrainingArguments.get_warmup_steps computes it.</summary>
    public static LinearWarmupSchedule FromRatio(double peakLr, long totalSteps, double warmupRatio) =>
        new(peakLr, totalSteps, (long)Math.Ceiling(warmupRatio * totalSteps));

    /// <summary>The learning rate optimizer step <paramref name="step"/> (0-based) uses.</summary>
    public double LearningRateAt(long step)
    {
        if (step < WarmupSteps)
            return PeakLr * step / Math.Max(1, WarmupSteps);
        return PeakLr * Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }
}
