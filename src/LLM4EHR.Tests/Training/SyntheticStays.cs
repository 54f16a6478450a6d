using LLM4EHR.Models;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Training;

/// <summary>
/// Token sequences whose labels depend on their tokens: label k is 1 when "signal" token 10+k occurs. A
/// bag-of-embeddings model can learn this, so training must lower the loss and raise AUROC.
/// </summary>
internal static class SyntheticStays
{
    public const int Vocab = 64;

    public static TokenizedStay[] Make(int count, int labels, int seed, string prefix)
    {
        var rng = new Random(seed);
        var stays = new TokenizedStay[count];
        for (int i = 0; i < count; i++)
        {
            int length = rng.Next(4, 40);
            var tokens = new int[length];
            tokens[0] = 1;                                           // BOS
            for (int t = 1; t < length; t++) tokens[t] = rng.Next(20, Vocab);
            var y = new float[labels];
            for (int k = 0; k < labels; k++)
                if (rng.NextDouble() < 0.4)
                {
                    tokens[rng.Next(1, length)] = 10 + k;
                    y[k] = 1;
                }
            // A signal token can be overwritten by another label's: recompute labels from the tokens.
            for (int k = 0; k < labels; k++) y[k] = tokens.Contains(10 + k) ? 1 : 0;
            stays[i] = new TokenizedStay($"{prefix}{i}", tokens, y);
        }
        return stays;
    }

    /// <summary>Right-padded collate (pad id 0) with mask-derived position ids, as the real collator builds them.</summary>
    public static StayBatch Collate(IReadOnlyList<TokenizedStay> stays)
    {
        int t = stays.Max(s => s.TokenIds.Length);
        var ids = new long[stays.Count * t];
        var mask = new long[stays.Count * t];
        var pos = new long[stays.Count * t];
        for (int b = 0; b < stays.Count; b++)
            for (int j = 0; j < stays[b].TokenIds.Length; j++)
            {
                ids[b * t + j] = stays[b].TokenIds[j];
                mask[b * t + j] = 1;
                pos[b * t + j] = j;
            }
        int k = stays[0].Labels.Length;
        return new StayBatch(tensor(ids).reshape(stays.Count, t), tensor(mask).reshape(stays.Count, t),
            tensor(pos).reshape(stays.Count, t), tensor(stays.SelectMany(s => s.Labels).ToArray()).reshape(stays.Count, k),
            stays.Select(s => s.Name).ToArray());
    }

    /// <summary>Macro AUROC by the rank-sum (Mann-Whitney) formula, ties counted half.</summary>
    public static IReadOnlyDictionary<string, double> Metrics(float[][] probs, float[][] labels)
    {
        int k = labels[0].Length;
        var aurocs = new List<double>();
        for (int j = 0; j < k; j++)
        {
            var pos = Enumerable.Range(0, probs.Length).Where(i => labels[i][j] == 1).Select(i => probs[i][j]).ToArray();
            var neg = Enumerable.Range(0, probs.Length).Where(i => labels[i][j] == 0).Select(i => probs[i][j]).ToArray();
            if (pos.Length == 0 || neg.Length == 0) continue;
            double wins = pos.Sum(p => neg.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0));
            aurocs.Add(wins / ((double)pos.Length * neg.Length));
        }
        return new Dictionary<string, double> { ["auroc"] = aurocs.Count > 0 ? aurocs.Average() : double.NaN };
    }
}
