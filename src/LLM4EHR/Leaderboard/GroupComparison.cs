namespace LLM4EHR.Leaderboard;

/// <summary>
/// A variant against the task's reference variant on the same test stays, both as seed-averaged predictions:
/// <see cref="Auroc"/> = DeLong on AUROC (IHM) or macro AUROC (Pheno), <see cref="PerLabel"/> = DeLong per label
/// (one entry for IHM), <see cref="Bootstrap"/> = paired bootstrap differences of every headline metric (model − reference).
/// </summary>
public sealed record GroupComparison(string Reference, DeLongResult Auroc, IReadOnlyList<DeLongResult> PerLabel,
    IReadOnlyList<PairedDifference> Bootstrap)
{
    public PairedDifference this[string key] => Bootstrap.First(d => d.Key == key);
}
