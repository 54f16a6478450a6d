using System.Text.Json;
using System.Text.RegularExpressions;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>The headless runner on the smoke notebook (publish, #r, libtorch, DataFrame, charts) and on a failing one.</summary>
[Collection(NotebookRunCollection.Name)]
public sealed class NotebookRunnerTests(NotebookRunFixture run)
{
    [Fact]
    public void Smoke_notebook_runs_and_reports_success()
    {
        Assert.True(run.Smoke.ExitCode == 0, $"runner exit {run.Smoke.ExitCode}:\n{run.Smoke.StdOut}\n{run.Smoke.StdErr}");
        Assert.Contains("6 cells ran", run.Smoke.StdOut);
    }

    [Fact]
    public void Executed_notebook_is_nbformat_4_5_with_ids_and_copied_markdown()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(run.SmokeIpynb));
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        Assert.Equal(5, root.GetProperty("nbformat_minor").GetInt32());
        var cells = root.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(7, cells.Count);
        var ids = cells.Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[a-zA-Z0-9-_]{1,64}$", id));
        Assert.Equal("markdown", cells[0].GetProperty("cell_type").GetString());
        Assert.StartsWith("# Smoke notebook", Source(cells[0]));
        var counts = cells.Skip(1).Select(c => c.GetProperty("execution_count").GetInt32());
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, counts);
    }

    [SkippableFact]
    public void Jupyters_own_nbformat_validator_accepts_both_reports()
    {
        Python.Require("nbformat");
        const string script = "import sys, nbformat\n"
            + "for path in sys.argv[1:]:\n"
            + "    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)\n"
            + "    nbformat.validate(nb)\n"
            + "    print(nb.nbformat, nb.nbformat_minor)\n";
        var (code, stdout, stderr) = Python.Run(script, run.SmokeIpynb, run.FailingIpynb);
        Assert.True(code == 0, stderr);
        Assert.Equal("4 5\n4 5\n", stdout);
    }

    [Fact]
    public void Outputs_carry_stdout_return_values_and_displays_with_mime_types()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(run.SmokeIpynb));
        var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
        // Cell 4 loads libtorch in the kernel process and prints a computed sum.
        var torchOutputs = Outputs(cells[3]);
        Assert.Contains(torchOutputs, o => o.Type == "stream" && o.Text.Contains("sum of ones(2,3) = 6"));
        Assert.Contains(torchOutputs, o => o.Type == "execute_result" && o.Text.Contains("cpu"));
        // Cell 5 returns a DataFrame: our HTML table formatter, not the kernel's row enumeration.
        var table = Assert.Single(Outputs(cells[4]), o => o.Type == "execute_result" && o.Mime == "text/html");
        Assert.Contains("<th>auroc<br/><small>Double</small></th>", table.Text);
        Assert.Contains("<td>0.81</td>", table.Text);
        // Cells 6 and 7 return/display charts; plotly.js travels exactly once, in the setup cell's output.
        var chartOutputs = cells.Skip(5).SelectMany(Outputs).Where(o => o.Mime == "text/html").ToList();
        Assert.Equal(2, chartOutputs.Count);
        Assert.All(chartOutputs, o => Assert.Contains("window.Plotly.newPlot(", o.Text));
        var everyHtml = cells.SelectMany(Outputs).Where(o => o.Mime == "text/html").Select(o => o.Text).ToList();
        Assert.Single(everyHtml, t => t.Contains("plotly.js v2"));
        Assert.Contains("plotly.js v2", Outputs(cells[2]).Single().Text);
    }

    [Fact]
    public void Failing_cell_gives_exit_1_and_names_the_cell_and_error()
    {
        Assert.Equal(1, run.Failing.ExitCode);
        var verdict = run.Failing.StdOut.Trim();
        Assert.DoesNotContain('\n', verdict);
        Assert.Matches(new Regex(@"failing\.dib: cell 3 failed: .*boom in the third cell"), verdict);

        using var doc = JsonDocument.Parse(File.ReadAllText(run.FailingIpynb));
        var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
        var streams = Streams(cells[1]);
        Assert.Equal(("stdout", "before the failure\n"), streams[0]);
        Assert.Equal(("stderr", "a warning on stderr\n"), streams[1]);
        var error = Assert.Single(Outputs(cells[2]));
        Assert.Equal("error", error.Type);
        Assert.Contains("boom in the third cell", error.Text);
        // The run stops at the failure; later cells are kept but not executed.
        Assert.Equal(JsonValueKind.Null, cells[3].GetProperty("execution_count").ValueKind);
        Assert.Empty(Outputs(cells[3]));
    }

    [Fact]
    public void Updated_displays_are_recorded_in_their_final_state_in_place()
    {
        Assert.True(run.Updates.ExitCode == 0, $"runner exit {run.Updates.ExitCode}:\n{run.Updates.StdOut}\n{run.Updates.StdErr}");
        using var doc = JsonDocument.Parse(File.ReadAllText(run.UpdatesIpynb));
        var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
        // Same object updated: one display output, still before the stdout written after display(), showing the last state.
        var live = cells[1].GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["display_data", "stream"], live.Select(o => o.GetProperty("output_type").GetString()));
        var final = live[0].GetProperty("data").EnumerateObject().Select(d => Join(d.Value)).ToList();
        Assert.NotEmpty(final);
        Assert.All(final, text => Assert.Contains("done", text));
        // New values: the original display stays and the updates collapse into one output with the last value.
        var texts = Outputs(cells[2]).Where(o => o.Mime == "text/plain").Select(o => o.Text).ToList();
        Assert.Equal(["first", "third"], texts);
    }

    [Fact]
    public void Missing_notebook_is_a_usage_error_with_exit_2()
    {
        var missing = NotebookRunFixture.Run(["run", "no/such/notebook.dib", "--out", Path.Combine(run.OutDir, "x.ipynb")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no/such/notebook.dib: notebook not found", missing.StdErr);
        Assert.False(File.Exists(Path.Combine(run.OutDir, "x.ipynb")));
    }

    private static List<(string Name, string Text)> Streams(JsonElement cell) =>
        cell.GetProperty("outputs").EnumerateArray()
            .Select(o => (o.GetProperty("name").GetString()!, Join(o.GetProperty("text")))).ToList();

    internal static string Source(JsonElement cell) => string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));

    internal sealed record Output(string Type, string? Mime, string Text);

    /// <summary>Each output as (output_type, MIME type or null for streams/errors, text).</summary>
    internal static IEnumerable<Output> Outputs(JsonElement cell)
    {
        if (!cell.TryGetProperty("outputs", out var outputs))
            yield break; // markdown cells have none
        foreach (var o in outputs.EnumerateArray())
        {
            var type = o.GetProperty("output_type").GetString()!;
            if (type == "stream")
                yield return new Output(type, null, Join(o.GetProperty("text")));
            else if (type == "error")
                yield return new Output(type, null, o.GetProperty("evalue").GetString()!);
            else
                foreach (var d in o.GetProperty("data").EnumerateObject())
                    yield return new Output(type, d.Name, d.Value.ValueKind == JsonValueKind.Array ? Join(d.Value) : d.Value.ToString());
        }
    }

    private static string Join(JsonElement lines) => string.Concat(lines.EnumerateArray().Select(l => l.GetString()));

    [Fact]
    public void Param_values_are_injected_after_the_parameters_cell_and_a_name_it_does_not_declare_is_refused()
    {
        Assert.True(run.Parameters.ExitCode == 0, $"runner exit {run.Parameters.ExitCode}:\n{run.Parameters.StdOut}\n{run.Parameters.StdErr}");
        using var doc = JsonDocument.Parse(File.ReadAllText(run.ParametersIpynb));
        var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
        // markdown, parameters (defaults), injected, the cell that prints them
        Assert.Equal(4, cells.Count);
        Assert.StartsWith("// injected parameters", Join(cells[2].GetProperty("source")));
        var printed = string.Concat(Outputs(cells[3]).Select(o => o.Text));
        Assert.Contains("task=pheno note=say \"hi\"", printed);

        Assert.Equal(2, run.UndeclaredParameter.ExitCode);
        Assert.Contains("taks", run.UndeclaredParameter.StdErr);
        Assert.False(File.Exists(Path.Combine(run.OutDir, "typo.ipynb")));
    }
}
