using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.IO;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// How the leaderboard's numbers are made.
/// <list type="bullet">
/// <item>mean ± sd: each run's test metrics (as in its metrics.json), averaged over the variant's runs (seeds); sd with n − 1.</item>
/// <item>seed-averaged predictions: per stay and label the mean probability of the variant's runs, stays matched by name
/// (the reference's first run fixes the order; different stay sets or labels are an error).</item>
/// <item>95% CIs: percentile bootstrap over test stays (1000 resamples, seed 0, as metrics.json) of the seed-averaged
/// predictions, so they describe the same predictions the tests compare (with one seed: that run's own CI).</item>
/// <item>DeLong (<see cref="DeLong"/>): AUROC (IHM) or macro AUROC (Pheno), and per label, of the seed-averaged
/// predictions against the reference's; two-sided p.</item>
/// <item>paired bootstrap (<see cref="PairedBootstrap"/>): AUPRC (and every other headline metric) differences on the
/// same resampled stays; two-sided p. No correction for multiple comparisons.</item>
/// </list>
/// </summary>
internal static class LeaderboardBuilder
{
    public static ModelLeaderboard Build(IEnumerable<string> dirs, LeaderboardOptions options, CancellationToken cancellationToken)
    {
        var args = dirs.ToList();
        if (args.Count == 0)
            throw new BadInputException("leaderboard: give at least one run or sweep folder");
        var (runDirs, expandNotes) = RunFolders.Expand(args);
        var notes = expandNotes.ToList();
        if (runDirs.Count == 0)
            throw new BadInputException($"{string.Join(", ", args)}: no finished runs (no test/predictions.csv)");
        var runs = runDirs.Select(LeaderboardRun.Load).ToList();
        notes.AddRange(DataMismatches(runs));
        var variants = ModelVariants.Group(runs, options.GroupBy);
        if (options.Reference is { } wanted && variants.All(v => v.Name != wanted))
            throw new BadInputException($"--reference {wanted}: no such model variant (variants: {string.Join("; ", variants.Select(v => v.Name).Distinct())})");

        var groups = new List<LeaderboardGroup>();
        foreach (var task in variants.Select(v => v.Task).Distinct())
        {
            var ofTask = variants.Where(v => v.Task == task).ToList();
            var reference = ofTask.Where(v => v.Name == options.Reference).DefaultIfEmpty(ofTask[0]).First();
            var anchor = reference.Runs[0];
            var built = ofTask.Select(v => Summarise(v, isReference: v.Name == reference.Name, anchor, options, cancellationToken)).ToList();
            var referenceGroup = built.Single(g => g.IsReference);
            groups.AddRange(built.Select(g => g.IsReference ? g : g with { Comparison = Compare(g, referenceGroup, options, cancellationToken) }));
        }
        return new ModelLeaderboard(groups, notes, options);
    }

    // Runs compared in one table should have seen the same data: run.json records each split file's SHA-256.
    private static IEnumerable<string> DataMismatches(IReadOnlyList<LeaderboardRun> runs)
    {
        foreach (var task in runs.Select(r => r.Config.Task).Distinct())
            foreach (var split in new[] { "train", "val", "test" })
            {
                var hashes = runs.Where(r => r.Config.Task == task)
                    .Select(r => Experiments.RunProvenance.RecordedSplitHash(r.RunDir, split)).OfType<string>()
                    .GroupBy(h => h).ToList();
                if (hashes.Count > 1)
                    yield return $"warning: {task.Id()} runs were made with different {split} data " +
                                 $"({string.Join(", ", hashes.Select(h => $"sha256 {h.Key[..12]}… in {h.Count()} runs"))}): not a like-for-like comparison";
            }
    }

    private static LeaderboardGroup Summarise(
        (string Name, Data.ClinicalTask Task, IReadOnlyDictionary<string, string> Identity, IReadOnlyList<LeaderboardRun> Runs) variant,
        bool isReference, LeaderboardRun anchor, LeaderboardOptions options, CancellationToken cancellationToken)
    {
        var runs = variant.Runs;
        var aligned = runs.Select(r => StayAlignment.Reorder(anchor.Predictions, anchor.PredictionsPath, r.Predictions, r.PredictionsPath)).ToList();
        var averaged = StayAlignment.Average(aligned);
        var report = Evaluator.Evaluate(variant.Task, averaged, new EvaluationOptions
        {
            BootstrapResamples = options.BootstrapResamples,
            BootstrapSeed = options.BootstrapSeed,
            SyntheticData = runs.Any(r => GeneratedFolder.IsSyntheticCohort(r.Config.Data.Root)),
        }, cancellationToken: cancellationToken);
        var counts = runs.Select(r => r.Parameters).Distinct().ToList();
        return new LeaderboardGroup
        {
            Name = variant.Name,
            Task = variant.Task,
            Identity = variant.Identity,
            Runs = runs,
            Metrics = ModelLeaderboard.SummaryKeys(variant.Task).ToDictionary(k => k, k => MetricSummary.Of(runs.Select(r => r.Metrics[k]))),
            Averaged = report,
            AveragedPredictions = averaged,
            Parameters = counts.Count == 1 ? counts[0] : null, // runs of differing shapes (a coarse --group-by): no single count
            TokensPerSecond = MetricSummary.Of(runs.Select(r => r.Throughput.TokensPerSecond)),
            TrainSeconds = MetricSummary.Of(runs.Select(r => r.Throughput.TrainSeconds)),
            IsReference = isReference,
        };
    }

    private static GroupComparison Compare(LeaderboardGroup model, LeaderboardGroup reference, LeaderboardOptions options,
        CancellationToken cancellationToken) =>
        new(reference.Name,
            DeLong.CompareMacro(model.AveragedPredictions, reference.AveragedPredictions),
            DeLong.CompareLabels(model.AveragedPredictions, reference.AveragedPredictions),
            PairedBootstrap.Compare(model.AveragedPredictions, reference.AveragedPredictions, options.BootstrapResamples,
                options.BootstrapSeed, cancellationToken: cancellationToken));
}
