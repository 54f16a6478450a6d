using LLM4EHR.Data;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Tests.Evaluation;

public sealed class PredictionCsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llm4ehr-predcsv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Written_predictions_read_back_identically(ClinicalTask task)
    {
        var set = SyntheticPredictions.Generate(task, stays: 40, seed: 1, decimals: null);
        var path = Path.Combine(_dir, "sub", "predictions.csv");
        PredictionCsv.Write(path, set);
        var back = PredictionCsv.Read(path);
        Assert.Equal(task, back.Task);
        Assert.Equal(set.Names, back.Names);
        Assert.Equal(set.Labels.ToArray(), back.Labels.ToArray());
        Assert.Equal(set.Probabilities.ToArray(), back.Probabilities.ToArray()); // bit-exact round trip
        Assert.Equal(string.Join(',', PredictionCsv.Columns(task)), File.ReadLines(path).First());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temp file left behind
    }

    [Fact]
    public void Names_with_commas_and_quotes_survive_and_columns_may_come_in_any_order()
    {
        var set = PredictionSet.FromProbabilities(ClinicalTask.Ihm, ["a,b", "say \"hi\""], [1.0, 0.0], [0.75, 0.25]);
        var path = Path.Combine(_dir, "q.csv");
        PredictionCsv.Write(path, set);
        Assert.Equal(set.Names, PredictionCsv.Read(path).Names);

        var reordered = Path.Combine(_dir, "r.csv");
        File.WriteAllText(reordered, "prob,name,label\n0.9,x,1\n0.1,y,0\n");
        var r = PredictionCsv.Read(reordered, ClinicalTask.Ihm);
        Assert.Equal(["x", "y"], r.Names);
        Assert.Equal(0.9, r.Probability(0, 0));
    }

    [Theory]
    [InlineData("name,label\ns1,1\n", "header: missing column 'prob'")]
    [InlineData("name,label,prob\ns1,1,0.5\ns2,0,abc\n", "row 2 (s2): column prob: 'abc' is not a number")]
    [InlineData("name,label,prob\ns1,1,1.5\n", "row 1 (s1): column prob: probability '1.5' is outside [0,1]")]
    [InlineData("name,label,prob\ns1,1,NaN\n", "row 1 (s1): column prob: probability 'NaN' is outside [0,1]")]
    [InlineData("name,label,prob\ns1,2,0.5\n", "row 1 (s1): column label: '2' is not 0 or 1")]
    [InlineData("name,label,prob\ns1,1,0.5\ns2,0\n", "row 2: expected 3 fields, got 2")]
    [InlineData("", "empty file")]
    [InlineData("name,label,prob\n", "no data rows")]
    public void Bad_ihm_files_name_file_row_and_column_in_one_line(string content, string expected)
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, content);
        var e = Assert.Throws<BadInputException>(() => PredictionCsv.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Pheno_file_missing_a_probability_column_is_rejected()
    {
        var cols = PredictionCsv.Columns(ClinicalTask.Pheno).Where(c => c != "prob_24").ToList();
        var path = Path.Combine(_dir, "p.csv");
        File.WriteAllText(path, string.Join(',', cols) + "\n" + "s," + string.Join(',', Enumerable.Repeat("0", cols.Count - 1)) + "\n");
        var e = Assert.Throws<BadInputException>(() => PredictionCsv.Read(path));
        Assert.Contains("missing column 'prob_24'", e.Message);
    }

    [Fact]
    public void Logits_become_probabilities_through_a_stable_sigmoid()
    {
        var set = PredictionSet.FromLogits(ClinicalTask.Ihm, ["a", "b", "c"], [1f, 0f, 1f], [0f, -800f, 40f]);
        Assert.Equal(0.5, set.Probability(0, 0));
        Assert.Equal(0.0, set.Probability(1, 0));        // underflows to 0, not NaN
        Assert.Equal(1.0, set.Probability(2, 0), 15);
        double tail = Math.Exp(-40) / (1 + Math.Exp(-40));
        Assert.True(Math.Abs(Sigmoid.Of(-40.0) - tail) <= 1e-15 * tail, "tail probability keeps its relative precision");
        Assert.Equal(1 - Sigmoid.Of(2.5), Sigmoid.Of(-2.5), tolerance: 1e-15);
    }
}
