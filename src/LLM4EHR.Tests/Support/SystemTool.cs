namespace LLM4EHR.Tests.Support;

/// <summary>
/// Debian tools that some checks drive (chromium, jupyter-nbconvert). Like <see cref="Python.Require"/>:
/// missing on a user machine → the test is skipped with the reason; under CI (CI=true) → it fails.
/// </summary>
public static class SystemTool
{
    public const string Chromium = "/usr/bin/chromium";
    public const string Jupyter = "/usr/bin/jupyter";

    public static bool Exists(string path) => File.Exists(path);

    /// <summary>Skips (outside CI) or fails (in CI) unless <paramref name="path"/> exists.</summary>
    public static void Require(string path, string debianPackage)
    {
        if (File.Exists(path))
            return;
        Unavailable($"{path} not found (apt-get install -y {debianPackage})");
    }

    /// <summary>The one policy for a missing external tool: skip with the reason on a user machine, fail under CI.</summary>
    public static void Unavailable(string problem)
    {
        if (IsCi)
            throw new InvalidOperationException($"check must run in CI: {problem}");
        Skip.If(true, problem);
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
