using LLM4EHR.Benchmarks;
using LLM4EHR.Data;
using LLM4EHR.Text;

namespace LLM4EHR.Tests.Text;

public class TokenizeBenchmarkTests
{
    [Fact]
    public void Summary_line_has_the_keys_benchmarks_md_asks_for()
    {
        var result = TokenizeBenchmark.Run(new TokenizeBenchOptions(Stays: 30, Threads: 1, Runs: 1));
        var line = result.ToSummary().ToString();
        Assert.StartsWith("bench tokenize: ", line);
        var keys = line["bench tokenize: ".Length..].Split(' ').Select(kv => kv.Split('=')[0]).ToArray();
        Assert.Subset(keys.ToHashSet(), new HashSet<string> { "stays", "tokens", "tok_s", "cached_ms", "cache_speedup" });
        Assert.Equal(30, result.Stays);
        Assert.Equal(result.Summary.Tokens, result.Tokens);
        Assert.True(result.Tokens > 30, "synthetic notes produce tokens beyond BOS");
    }

    [Fact]
    public void Synthetic_stays_are_deterministic_lower_case_prose_of_varied_length()
    {
        var a = SyntheticClinicalNotes.Stays(20, ClinicalTask.Pheno, seed: 3);
        var b = SyntheticClinicalNotes.Stays(20, ClinicalTask.Pheno, seed: 3);
        Assert.Equal(a.SelectMany(s => s.Notes), b.SelectMany(s => s.Notes));
        Assert.All(a, s => Assert.Equal(25, s.Labels.Length));
        var texts = a.SelectMany(s => s.Notes).Select(n => n.Text).ToArray();
        Assert.All(texts, t => Assert.Equal(t.ToLowerInvariant(), t));
        Assert.True(texts.Max(t => t.Length) > 4 * texts.Min(t => t.Length), "note lengths vary");
    }
}
