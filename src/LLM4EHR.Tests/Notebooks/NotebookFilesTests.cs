using System.Text.Json;
using System.Text.RegularExpressions;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>
/// The committed notebooks (notebooks/*.dib) follow the house pattern: plain .dib files (a format without outputs),
/// only C# and Markdown cells, and the opening markdown → publish → #r cells, so each works in VS Code and headless.
/// </summary>
public sealed class NotebookFilesTests
{
    private static readonly string Folder = Path.Combine(RepoRoot.Path, "notebooks");

    private static List<string> Names() =>
        Directory.GetFiles(Folder, "*.dib").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Notebooks() => new(Names());

    private sealed record Cell(string Kernel, string Text);

    // A .dib is "#!meta" + JSON, then cells each introduced by a "#!<kernel>" line.
    private static List<Cell> Parse(string text)
    {
        var cells = new List<Cell>();
        foreach (Match m in Regex.Matches(text.ReplaceLineEndings("\n"), @"^#!(\w+)\n(.*?)(?=^#!\w+\n|\z)", RegexOptions.Multiline | RegexOptions.Singleline))
            cells.Add(new Cell(m.Groups[1].Value, m.Groups[2].Value.Trim()));
        return cells;
    }

    [Fact]
    public void The_notebooks_are_committed_as_dib_and_no_executed_notebook_sits_beside_them()
    {
        Assert.Equal(["00-one-stay.dib", "01-explore-data.dib", "02-train.dib", "03-evaluate.dib", "04-leaderboard.dib"], Names());
        Assert.Empty(Directory.GetFiles(Folder, "*.ipynb", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_opens_with_markdown_then_one_line_setup_then_references(string name)
    {
        var cells = Parse(File.ReadAllText(Path.Combine(Folder, name)));
        Assert.Equal("meta", cells[0].Kernel);
        using (var meta = JsonDocument.Parse(cells[0].Text))
            Assert.Equal("csharp", meta.RootElement.GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        // Only kernels VS Code Polyglot Notebooks and our runner both know.
        Assert.All(cells.Skip(1), c => Assert.Contains(c.Kernel, new[] { "markdown", "csharp" }));
        Assert.All(cells.Skip(1), c => Assert.NotEmpty(c.Text));

        Assert.Equal("markdown", cells[1].Kernel);
        Assert.StartsWith("# ", cells[1].Text);
        Assert.Contains("**Needs:**", cells[1].Text);

        // One line of setup: the shared script publishes the library (no build code in any report).
        Assert.Equal("csharp", cells[2].Kernel);
        Assert.Single(cells[2].Text.Split('\n'));
        Assert.StartsWith("#load \"setup.csx\"", cells[2].Text);
        string setup = File.ReadAllText(Path.Combine(Folder, "setup.csx"));
        Assert.Contains("\"publish\"", setup);
        Assert.Contains("Path.Combine(repo!.FullName, \"artifacts\", \"notebook-lib\")", setup);

        Assert.Equal("csharp", cells[3].Kernel);
        var references = Regex.Matches(cells[3].Text, "^#r \"([^\"]+)\"", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["../artifacts/notebook-lib/LLM4EHR.dll", "../artifacts/notebook-lib/LLM4EHR.Interactive.dll"], references);
        // Relative to the notebook, the references land in the folder the publish cell writes.
        Assert.All(references, r => Assert.Equal(Path.Combine(RepoRoot.Path, "artifacts", "notebook-lib"), Path.GetDirectoryName(Path.GetFullPath(Path.Combine(Folder, r)))));
        Assert.Contains("LLM4EHR.Interactive.NotebookSetup.Register()", cells[3].Text);
        Assert.DoesNotContain(cells.Skip(4), c => c.Text.Contains("#r \"", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_notebook_sets_up_with_the_same_cell()
    {
        var publishCells = Names().Select(name => Parse(File.ReadAllText(Path.Combine(Folder, name)))[2].Text).Distinct();
        Assert.Single(publishCells);
    }

    [Fact]
    public void Examples_train_into_their_own_run_folders_never_the_clis()
    {
        // The README's command writes the demo configs' run_dir; an example that trains must not replace that run.
        var cliRuns = new[] { "demo-ihm.yaml", "demo-pheno.yaml" }
            .Select(f => LLM4EHR.Config.ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", f)).Output.RunDir).ToList();
        foreach (var file in new[] { "examples/train.cs", "notebooks/02-train.dib" })
        {
            var match = Regex.Match(File.ReadAllText(Path.Combine(RepoRoot.Path, file)), @"output\.run_dir=(runs/[\w{}-]+)");
            Assert.True(match.Success, $"{file} sets no output.run_dir of its own");
            // The training notebook's folder names its task parameter: check it for each task.
            foreach (var task in new[] { "ihm", "pheno" })
                Assert.DoesNotContain(match.Groups[1].Value.Replace("{task}", task), cliRuns);
        }
    }
}
