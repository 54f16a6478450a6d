namespace LLM4EHR.Models.Memory;

/// <summary>
/// Whether a planned run fits a device, and if not the smallest change that makes it fit, tried in this order:
/// turn gradient checkpointing on; a smaller micro-batch with more accumulation (same stays per optimizer step);
/// a shorter <c>max_tokens</c> at batch 1. <see cref="Setting"/> is the config key to change (null when it fits, or
/// when nothing short of smaller weights helps), <see cref="Plan"/> the plan with that change, <see cref="Message"/>
/// the advice in words (when it fits: how far the batch could grow with 10% headroom, or, when under 10% is left,
/// the batch that leaves that much).
/// </summary>
public sealed record MemoryAdvice(long DeviceBytes, bool Fits, string? Setting, MemoryPlan Plan, string Message)
{
    // max_tokens candidates step down in multiples of this (a friendly number, and a multiple of every kernel tile).
    private const int TokenStep = 256;
    /// <summary>Below this share of the device left free a fit is called tight: the plan's runtime allowance is a guess.</summary>
    public const double TightHeadroom = 0.10;

    public static MemoryAdvice For(MemoryPlanRequest r, long deviceBytes)
    {
        var plan = MemoryPlan.For(r);
        if (plan.Fits(deviceBytes))
        {
            long comfortable = (long)(deviceBytes * (1 - TightHeadroom));
            if (!plan.Fits(comfortable))
            {
                string headroom = $"tight: {(deviceBytes - plan.PeakBytes) / (double)(1L << 30):F2} GiB left";
                if (r.BatchSize > 1 && LargestBatch(r, comfortable, r.BatchSize * r.GradAccum) is { } safer)
                {
                    int accum = r.BatchSize * r.GradAccum / safer;
                    return new MemoryAdvice(deviceBytes, true, $"training.batch_size={safer}", MemoryPlan.For(r with { BatchSize = safer, GradAccum = accum }),
                        $"{headroom}; for 10% headroom set training.batch_size={safer}, training.grad_accum={accum} (same {safer * accum} stays per step)");
                }
                return new MemoryAdvice(deviceBytes, true, null, plan, headroom);
            }
            int larger = LargestBatch(r with { BatchSize = r.BatchSize * 8 }, comfortable, stays: null) ?? r.BatchSize;
            return new MemoryAdvice(deviceBytes, true, null, plan, larger > r.BatchSize ? $"training.batch_size up to {larger} fits" : "");
        }
        if (!r.GradientCheckpointing && MemoryPlan.For(r with { GradientCheckpointing = true }) is var ckpt && ckpt.Fits(deviceBytes))
            return new MemoryAdvice(deviceBytes, false, "model.gradient_checkpointing=true", ckpt, "set model.gradient_checkpointing=true");
        var withCkpt = r with { GradientCheckpointing = true };
        string ckptNote = r.GradientCheckpointing ? "" : "model.gradient_checkpointing=true and ";
        if (LargestBatch(withCkpt, deviceBytes, r.BatchSize * r.GradAccum) is { } batch)
        {
            int accum = r.BatchSize * r.GradAccum / batch;
            var fitted = MemoryPlan.For(withCkpt with { BatchSize = batch, GradAccum = accum });
            return new MemoryAdvice(deviceBytes, false, $"training.batch_size={batch}", fitted,
                $"set {ckptNote}training.batch_size={batch}, training.grad_accum={accum} (same {r.BatchSize * r.GradAccum} stays per step)");
        }
        var single = withCkpt with { BatchSize = 1, GradAccum = r.BatchSize * r.GradAccum };
        for (int t = (r.SequenceLength - 1) / TokenStep * TokenStep; t >= TokenStep; t -= TokenStep)
            if (MemoryPlan.For(single with { SequenceLength = t }) is var shorter && shorter.Fits(deviceBytes))
                return new MemoryAdvice(deviceBytes, false, $"text.max_tokens={t}", shorter,
                    $"set {ckptNote}training.batch_size=1, training.grad_accum={single.GradAccum}, text.max_tokens={t} (truncates notes)");
        return new MemoryAdvice(deviceBytes, false, null, plan, "does not fit even at batch 1 and 256 tokens: the weights need a larger device (or NF4)");
    }

    // The largest micro-batch (≤ r.BatchSize) whose plan fits, or null when not even 1 does; with stays given, only
    // divisors of it, so batch × accumulation keeps the same stays per optimizer step.
    private static int? LargestBatch(MemoryPlanRequest r, long deviceBytes, int? stays)
    {
        for (int b = r.BatchSize; b >= 1; b--)
            if ((stays is null || stays % b == 0) && MemoryPlan.For(r with { BatchSize = b }).Fits(deviceBytes))
                return b;
        return null;
    }
}
