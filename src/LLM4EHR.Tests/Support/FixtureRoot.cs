namespace LLM4EHR.Tests.Support;

/// <summary>
/// Locates the reference fixtures: <c>$LLM4EHR_FIXTURES</c>, else the copy kept in the repository
/// (<c>src/LLM4EHR.Tests/fixtures</c>, so a plain clone tests itself). CI also runs the fixture tests with
/// <c>LLM4EHR_FIXTURES=../shared/fixtures</c> when that folder exists, so new upstream cases are always exercised.
/// Fixture theories enumerate case folders from here, so new cases run without code changes.
/// </summary>
public static class FixtureRoot
{
    public static string Path
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("LLM4EHR_FIXTURES");
            if (!string.IsNullOrWhiteSpace(env))
                return System.IO.Path.GetFullPath(env);
            return System.IO.Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Tests", "fixtures");
        }
    }

    /// <summary>
    /// Fixtures this repository generates itself (<c>src/LLM4EHR.Tests/fixtures-generated</c>, each kind with the script
    /// that writes it under <c>src/LLM4EHR.Tests/parity</c>): committed, so tests need no Python; not in the shared set.
    /// </summary>
    public static string GeneratedPath => System.IO.Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Tests", "fixtures-generated");

    /// <summary>Case folders of one fixture kind (e.g. "p2x"), sorted; fails loudly if the kind folder is missing.</summary>
    public static IEnumerable<object[]> Cases(string kind) => CasesUnder(Path, kind);

    /// <summary>Case folders of one generated kind (e.g. "bigbird-parity"), as <see cref="Cases"/>.</summary>
    public static IEnumerable<object[]> GeneratedCases(string kind) => CasesUnder(GeneratedPath, kind);

    private static IEnumerable<object[]> CasesUnder(string root, string kind)
    {
        var dir = System.IO.Path.Combine(root, kind);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"fixture folder '{dir}' not found (set LLM4EHR_FIXTURES)");
        return Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal)
            .Select(d => new object[] { new FixtureCase(kind, System.IO.Path.GetFileName(d), d) });
    }
}
