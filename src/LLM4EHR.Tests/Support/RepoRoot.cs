namespace LLM4EHR.Tests.Support;

/// <summary>The repository root (the folder holding LLM4EHR.sln), found upward from the test binary.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "LLM4EHR.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("LLM4EHR.sln not found above " + AppContext.BaseDirectory);
    }
}
