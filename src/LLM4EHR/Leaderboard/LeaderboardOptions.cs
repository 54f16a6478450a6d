using LLM4EHR.Evaluation;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// How runs are grouped and compared. <see cref="GroupBy"/>: config keys defining a variant (empty: the whole config
/// minus seed and output keys). <see cref="Reference"/>: the variant others are compared with (null: each task's first).
/// The bootstrap (CIs and paired AUPRC tests) uses the evaluation's defaults: 1000 resamples, seed 0.
/// </summary>
public sealed record LeaderboardOptions
{
    public IReadOnlyList<string> GroupBy { get; init; } = [];
    public string? Reference { get; init; }
    public int BootstrapResamples { get; init; } = 1000;
    public int BootstrapSeed { get; init; } = EvaluationOptions.DefaultBootstrapSeed;
}
