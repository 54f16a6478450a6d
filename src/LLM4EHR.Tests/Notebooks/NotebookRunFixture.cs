using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>
/// Runs the notebook runner once per test class (kernel start-up and the publish cell are slow): the smoke
/// notebook (with --html when nbconvert is installed) and a notebook whose third cell throws.
/// </summary>
public sealed class NotebookRunFixture : IDisposable
{
    public static string AssetDir { get; } = Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Tests", "Notebooks", "Assets");

    public string OutDir { get; } = Directory.CreateTempSubdirectory("llm4ehr-notebooks-").FullName;
    public bool HtmlRequested { get; } = SystemTool.Exists(SystemTool.Jupyter);
    public ProcessRun Smoke { get; }
    public ProcessRun Failing { get; }
    public ProcessRun Updates { get; }
    public ProcessRun Parameters { get; }
    public ProcessRun UndeclaredParameter { get; }
    public string SmokeIpynb => Path.Combine(OutDir, "smoke.ipynb");
    public string SmokeHtml => Path.Combine(OutDir, "smoke.html");
    public string FailingIpynb => Path.Combine(OutDir, "failing.ipynb");
    public string UpdatesIpynb => Path.Combine(OutDir, "updates.ipynb");
    public string ParametersIpynb => Path.Combine(OutDir, "parameters.ipynb");

    public NotebookRunFixture()
    {
        var smokeArgs = new List<string> { "run", Path.Combine(AssetDir, "smoke.dib"), "--out", SmokeIpynb };
        if (HtmlRequested)
            smokeArgs.Add("--html");
        // Two independent runner processes: overlap them (the smoke one spends most of its time in dotnet publish).
        string parameters = Path.Combine(AssetDir, "parameters.dib");
        var quick = Task.Run(() => (Run(["run", Path.Combine(AssetDir, "failing.dib"), "--out", FailingIpynb]),
            Run(["run", Path.Combine(AssetDir, "updates.dib"), "--out", UpdatesIpynb]),
            Run(["run", parameters, "--out", ParametersIpynb, "--param", "task=pheno", "--param", "note=say \"hi\""]),
            Run(["run", parameters, "--out", Path.Combine(OutDir, "typo.ipynb"), "--param", "taks=pheno"])));
        Smoke = Run(smokeArgs);
        (Failing, Updates, Parameters, UndeclaredParameter) = quick.GetAwaiter().GetResult();
    }

    /// <summary>The runner built beside this test assembly (same configuration and RID folder layout).</summary>
    public static string RunnerDll
    {
        get
        {
            var testsProject = Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Tests");
            var outputLayout = Path.GetRelativePath(testsProject, AppContext.BaseDirectory); // bin/<Configuration>/net10.0/<rid>/
            return Path.GetFullPath(Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Notebooks", outputLayout, "LLM4EHR.Notebooks.dll"));
        }
    }

    public static ProcessRun Run(IEnumerable<string> args) =>
        ProcessRun.Start("dotnet", new[] { RunnerDll }.Concat(args), TimeSpan.FromMinutes(10), RepoRoot.Path);

    public void Dispose()
    {
        try { Directory.Delete(OutDir, recursive: true); }
        catch (IOException) { /* a browser may still hold a file; the temp folder is cleaned by the OS */ }
    }
}
