using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Interactive;
using LLM4EHR.Leaderboard;
using LLM4EHR.Tests.Leaderboard;
using LLM4EHR.Tests.Text;
using Plotly.NET;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>The notebook views of a leaderboard show its numbers: the frame's cells, the forest plot's error bars, the heatmap's cells.</summary>
public sealed class LeaderboardViewsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ModelLeaderboard _board;

    public LeaderboardViewsTests()
    {
        var runs = new FakeRuns(_folder.Path);
        var ihm = FakeRuns.Cohort(ClinicalTask.Ihm, stays: 120);
        var pheno = FakeRuns.Cohort(ClinicalTask.Pheno, stays: 120);
        _board = ModelLeaderboard.Build(
        [
            runs.Write("ihm-a", ihm, 0.5, 1, ["lora.r=8"]), runs.Write("ihm-b", ihm, 1.5, 2, ["lora.r=16"]),
            runs.Write("pheno-a", pheno, 0.5, 3, ["lora.r=8"]), runs.Write("pheno-b", pheno, 1.5, 4, ["lora.r=16"]),
        ], new LeaderboardOptions { BootstrapResamples = 50 });
    }

    [Fact]
    public void The_frame_has_a_row_per_variant_and_task_with_its_numbers()
    {
        var frame = LeaderboardViews.Frame(_board);
        Assert.Equal(4, frame.Rows.Count);
        Assert.Equal(["ihm", "ihm", "pheno", "pheno"], frame.Columns["task"].Cast<string>());
        Assert.Equal("r=8 (ref)", frame.Columns["model"][0]);
        var pheno = _board.GroupsOf(ClinicalTask.Pheno)[1];
        Assert.Equal(pheno.Metrics["auroc_macro"].Mean, (double)frame.Columns["auroc"][3]!);
        Assert.Equal(pheno.Comparison!.Auroc.P, (double)frame.Columns["delong_p"][3]!);
        Assert.Null(frame.Columns["delong_p"][2]); // the reference is not compared with itself
    }

    [Fact]
    public void The_forest_plot_has_a_series_per_task_with_the_CIs_as_error_bars()
    {
        var fig = JsonDocument.Parse(GenericChart.toJson(LeaderboardViews.Forest(_board))).RootElement;
        var data = fig.GetProperty("data");
        Assert.Equal(["IHM", "PHENO"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var ihm = _board.GroupsOf(ClinicalTask.Ihm)[1];
        var ci = ihm.Averaged.Intervals["auroc"];
        var trace = data[0];
        Assert.Equal(ihm.Averaged["auroc"]!.Value, trace.GetProperty("x")[1].GetDouble(), 12);
        Assert.Equal(ci.Upper - ihm.Averaged["auroc"]!.Value, trace.GetProperty("error_x").GetProperty("array")[1].GetDouble(), 12);
        Assert.Equal(ihm.Averaged["auroc"]!.Value - ci.Lower, trace.GetProperty("error_x").GetProperty("arrayminus")[1].GetDouble(), 12);
        Assert.Equal("AUROC of seed-averaged predictions, 95% CI", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString()); // not a demo cohort
    }

    [Fact]
    public void The_heatmap_has_a_row_per_pheno_variant_and_a_cell_per_phenotype()
    {
        var trace = JsonDocument.Parse(GenericChart.toJson(LeaderboardViews.PerLabelHeatmap(_board))).RootElement.GetProperty("data")[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(["r=8", "r=16"], trace.GetProperty("y").EnumerateArray().Select(e => e.GetString()));
        var z = trace.GetProperty("z");
        Assert.Equal(25, z[1].GetArrayLength());
        Assert.Equal(_board.GroupsOf(ClinicalTask.Pheno)[1].Averaged.PerLabel[4].Auroc!.Value, z[1][4].GetDouble(), 12);
    }

    public void Dispose() => _folder.Dispose();
}
