using LLM4EHR.Sweeps;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>Grid specs parse (list values included), expand as nested loops, and name their runs readably and uniquely.</summary>
public sealed class SweepGridTests
{
    [Fact]
    public void Axes_expand_first_axis_slowest_with_readable_names()
    {
        var axes = SweepAxis.ParseAll(["lora.enabled=true,false", "training.seed=1,2"]);
        var runs = SweepGrid.Expand(axes);
        Assert.Equal(["enabled-true_seed-1", "enabled-true_seed-2", "enabled-false_seed-1", "enabled-false_seed-2"], runs.Select(r => r.Name));
        Assert.Equal(["lora.enabled=false", "training.seed=2"], runs[3].Overrides);
        Assert.Equal(SweepGrid.NoAxesName, Assert.Single(SweepGrid.Expand([])).Name);
    }

    [Fact]
    public void List_values_keep_their_commas_and_clashing_names_stay_unique()
    {
        var axis = SweepAxis.Parse("lora.targets=[q_proj, v_proj],[q_proj,v_proj],[q_proj,k_proj,v_proj]");
        Assert.Equal(["[q_proj, v_proj]", "[q_proj,v_proj]", "[q_proj,k_proj,v_proj]"], axis.Values);
        Assert.Equal(["targets-q-proj-v-proj", "targets-q-proj-v-proj-1", "targets-q-proj-k-proj-v-proj"], SweepGrid.Expand([axis]).Select(r => r.Name));

        // Same last key part on two axes: the full keys name them.
        var names = SweepGrid.Expand(SweepAxis.ParseAll(["model.tiny.seed=1", "training.seed=7"])).Select(r => r.Name);
        Assert.Equal(["model.tiny.seed-1_training.seed-7"], names);
        Assert.Equal("x", SweepGrid.Sanitize("///"));
        Assert.Equal("x", SweepGrid.Sanitize(".."));
    }

    [Theory]
    [InlineData("training.seed", "--grid training.seed: expected KEY=V1,V2")]
    [InlineData("training.seed=1,,2", "--grid training.seed=1,,2: empty value")]
    [InlineData("training.seed=1,1", "value '1' appears twice")]
    [InlineData("training..seed=1", "empty key part")]
    [InlineData("output.run_dir=a,b", "the sweep chooses each run's output.run_dir")]
    public void Malformed_specs_are_one_line_errors(string spec, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => SweepAxis.Parse(spec));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_key_given_twice_is_an_error()
    {
        var e = Assert.Throws<BadInputException>(() => SweepAxis.ParseAll(["training.seed=1", "training.seed=2"]));
        Assert.Contains("key 'training.seed' is given twice", e.Message);
    }
}
