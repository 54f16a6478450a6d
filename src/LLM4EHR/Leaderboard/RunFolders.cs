using LLM4EHR.Sweeps;
using LLM4EHR.Training;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Expands the leaderboard's arguments into run folders: a run folder (config.yaml) is itself; a sweep folder
/// (sweep.json) gives its runs in grid order, its unfinished runs noted and left out; any other folder gives the run
/// folders directly inside it (e.g. <c>runs/</c>). A folder with none of these is an error.
/// </summary>
public static class RunFolders
{
    public static (IReadOnlyList<string> RunDirs, IReadOnlyList<string> Notes) Expand(IEnumerable<string> dirs)
    {
        var runs = new List<string>();
        var notes = new List<string>();
        foreach (var arg in dirs)
        {
            string dir = Path.GetFullPath(arg);
            if (!Directory.Exists(dir))
                throw new BadInputException($"{arg}: folder not found");
            if (File.Exists(RunLayout.Config(dir)))
                runs.Add(dir);
            else if (SweepLayout.IsSweep(dir))
            {
                var manifest = SweepStore.Read(dir);
                var finished = SweepLayout.FinishedRunDirs(dir, manifest);
                runs.AddRange(finished);
                int unfinished = manifest.Runs.Count - finished.Count;
                if (unfinished > 0)
                    notes.Add($"{arg}: {unfinished} of {manifest.Runs.Count} runs not finished, left out " +
                              $"({string.Join(", ", manifest.Runs.Where(r => r.Status != SweepRunStatus.Done).Take(5).Select(r => $"{r.Name} {r.Status.ToString().ToLowerInvariant()}"))})");
            }
            else
            {
                var children = Directory.GetDirectories(dir).Order(StringComparer.Ordinal)
                    .Where(d => File.Exists(RunLayout.Config(d)) && File.Exists(LeaderboardRun.PredictionsFile(d))).ToList();
                if (children.Count == 0)
                    throw new BadInputException($"{arg}: neither a run folder (config.yaml), a sweep folder (sweep.json) nor a folder of finished runs");
                runs.AddRange(children);
            }
        }
        var repeated = runs.GroupBy(r => r).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new BadInputException($"{repeated.Key}: run given twice (directly and through a sweep or parent folder?)");
        return (runs, notes);
    }
}
