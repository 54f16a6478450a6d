using LLM4EHR.Config;
using LLM4EHR.Data;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Groups runs into model variants. By default a variant is the resolved config minus what only tells seeds and copies
/// apart (<c>training.seed</c>, <c>output.*</c>, the result-neutral keys such as <c>training.threads</c>); with
/// <c>--group-by KEY</c> it is the task and just those keys' values. A variant is named after the keys whose values
/// differ between the task's variants (<c>enabled=false, r=16</c>; the full key where last parts clash), or, when the
/// task has one variant, after its sweep (the folder holding <c>runs/</c>) or run folder.
/// </summary>
public static class ModelVariants
{
    public static bool IsSeedOrOutputKey(string key) =>
        key == "training.seed" || key.StartsWith("output.", StringComparison.Ordinal) || ConfigDiff.ResultNeutralKeys.Contains(key);

    /// <summary>The keys and values that define <paramref name="config"/>'s variant.</summary>
    public static IReadOnlyDictionary<string, string> Identity(ExperimentConfig config, IReadOnlyList<string> groupBy)
    {
        var flat = ConfigDiff.Flatten(config);
        if (groupBy.Count == 0)
            return flat.Where(kv => !IsSeedOrOutputKey(kv.Key)).ToDictionary();
        var identity = new Dictionary<string, string> { ["task"] = flat["task"] };
        foreach (var key in groupBy)
            identity[key] = flat.TryGetValue(key, out var value) ? value
                : throw new BadInputException($"--group-by {key}: not a config key (e.g. lora.enabled, training.lr)");
        return identity;
    }

    /// <summary>Runs grouped by variant, tasks in first-seen order and variants in first-seen order within a task.</summary>
    public static IReadOnlyList<(string Name, ClinicalTask Task, IReadOnlyDictionary<string, string> Identity, IReadOnlyList<LeaderboardRun> Runs)> Group(
        IReadOnlyList<LeaderboardRun> runs, IReadOnlyList<string> groupBy)
    {
        var groups = runs.Select(r => (Run: r, Identity: Identity(r.Config, groupBy)))
            .GroupBy(x => Key(x.Identity))
            .Select(g => (Task: g.First().Run.Config.Task, g.First().Identity, Runs: (IReadOnlyList<LeaderboardRun>)g.Select(x => x.Run).ToList()))
            .ToList();
        var result = new List<(string, ClinicalTask, IReadOnlyDictionary<string, string>, IReadOnlyList<LeaderboardRun>)>();
        foreach (var task in groups.Select(g => g.Task).Distinct())
        {
            var ofTask = groups.Where(g => g.Task == task).ToList();
            var differing = groupBy.Count > 0 ? groupBy.ToList()
                : ofTask.SelectMany(g => g.Identity.Keys).Distinct().Order(StringComparer.Ordinal)
                    .Where(k => ofTask.Select(g => g.Identity.GetValueOrDefault(k)).Distinct().Count() > 1).ToList();
            bool byFamily = groupBy.Count == 0 && differing.Contains(TypeKey);
            var shortKeys = ShortKeys(differing);
            foreach (var g in ofTask)
            {
                var keys = byFamily ? WithinFamily(ofTask.Select(o => o.Identity).ToList(), g.Identity, differing) : differing;
                string name = keys.Count == 0 ? DefaultName(g.Runs[0].RunDir)
                    : string.Join(", ", keys.Select(k => $"{shortKeys[k]}={g.Identity.GetValueOrDefault(k) ?? "(none)"}"));
                result.Add((name, task, g.Identity, g.Runs));
            }
        }
        return result;
    }

    private const string TypeKey = "model.type";

    /// <summary>
    /// Model families differ in many keys (path, tiny shape, LoRA targets, …): a variant is named by its family, plus the
    /// keys that differ between the variants of that family (<c>type=belt</c>, <c>type=longformer, lr=0.001</c>).
    /// </summary>
    private static List<string> WithinFamily(IReadOnlyList<IReadOnlyDictionary<string, string>> identities,
        IReadOnlyDictionary<string, string> identity, List<string> differing)
    {
        var family = identities.Where(i => i.GetValueOrDefault(TypeKey) == identity.GetValueOrDefault(TypeKey)).ToList();
        return [TypeKey, .. differing.Where(k => k != TypeKey && family.Select(i => i.GetValueOrDefault(k)).Distinct().Count() > 1)];
    }

    private static string Key(IReadOnlyDictionary<string, string> identity) =>
        string.Join('\n', identity.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static Dictionary<string, string> ShortKeys(IReadOnlyList<string> keys)
    {
        var last = keys.ToDictionary(k => k, k => k[(k.LastIndexOf('.') + 1)..]);
        return keys.ToDictionary(k => k, k => last.Values.Count(l => l == last[k]) > 1 ? k : last[k]);
    }

    // runs/NAME inside a sweep folder → the sweep's name; any other run folder → its own name.
    private static string DefaultName(string runDir)
    {
        var parent = Directory.GetParent(runDir);
        return parent is { Name: "runs", Parent: { } sweep } && Sweeps.SweepLayout.IsSweep(sweep.FullName) ? sweep.Name : Path.GetFileName(runDir);
    }
}
