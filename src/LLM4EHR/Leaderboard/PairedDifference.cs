using LLM4EHR.Evaluation;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// A paired bootstrap comparison of one metric: <see cref="Difference"/> = model − reference on all stays, its
/// percentile interval over the resamples, and the two-sided p-value (see <see cref="PairedBootstrap"/>).
/// </summary>
public sealed record PairedDifference(string Key, double Difference, ConfidenceInterval Interval, double P);
