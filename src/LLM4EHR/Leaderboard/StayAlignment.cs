using LLM4EHR.Evaluation;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Puts runs' test predictions on the same stays in the same order, matched by stay name, for paired statistics and
/// seed averaging. Different stay sets or different labels for a stay are errors naming both files.
/// </summary>
public static class StayAlignment
{
    /// <summary><paramref name="other"/>'s rows in <paramref name="reference"/>'s stay order.</summary>
    public static PredictionSet Reorder(PredictionSet reference, string referencePath, PredictionSet other, string otherPath)
    {
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < other.Count; i++)
            rowOf[other.Names[i]] = i;
        var missing = reference.Names.Where(n => !rowOf.ContainsKey(n)).ToList();
        var extra = other.Names.Except(reference.Names, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0 || reference.Count != other.Count)
            throw new BadInputException($"{otherPath}: its test stays differ from {referencePath} " +
                $"({missing.Count} missing{(missing.Count > 0 ? $", e.g. '{missing[0]}'" : "")}; {extra.Count} extra{(extra.Count > 0 ? $", e.g. '{extra[0]}'" : "")}" +
                $"{(reference.Count != other.Count ? $"; {other.Count} rows vs {reference.Count}" : "")}): paired comparisons need the same stays");
        int k = reference.LabelCount;
        var labels = new double[reference.Count * k];
        var probs = new double[reference.Count * k];
        for (int i = 0; i < reference.Count; i++)
        {
            int row = rowOf[reference.Names[i]];
            for (int j = 0; j < k; j++)
            {
                if (other.Label(row, j) != reference.Label(i, j))
                    throw new BadInputException($"{otherPath}: stay '{reference.Names[i]}' label {j} is {other.Label(row, j)}, " +
                                                $"but {reference.Label(i, j)} in {referencePath} (different data?)");
                labels[i * k + j] = reference.Label(i, j);
                probs[i * k + j] = other.Probability(row, j);
            }
        }
        return PredictionSet.FromProbabilities(reference.Task, reference.Names, labels, probs);
    }

    /// <summary>The mean probability per stay and label of sets already in the same stay order.</summary>
    public static PredictionSet Average(IReadOnlyList<PredictionSet> aligned)
    {
        var first = aligned[0];
        int k = first.LabelCount;
        var labels = new double[first.Count * k];
        var probs = new double[first.Count * k];
        for (int e = 0; e < probs.Length; e++)
        {
            labels[e] = first.Labels[e];
            double sum = 0;
            foreach (var set in aligned)
                sum += set.Probabilities[e];
            probs[e] = Math.Clamp(sum / aligned.Count, 0, 1);
        }
        return PredictionSet.FromProbabilities(first.Task, first.Names, labels, probs);
    }
}
