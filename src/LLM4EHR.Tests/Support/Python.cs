using System.Diagnostics;

namespace LLM4EHR.Tests.Support;

/// <summary>
/// Runs Debian's python3 for cross-language checks. On a user machine without python3/NumPy the check is
/// reported skipped with the reason; under CI (CI=true) a missing tool is a failure, never a skip.
/// </summary>
public static class Python
{
    public const string Exe = "/usr/bin/python3";

    /// <summary>Skips (outside CI) or fails (in CI) unless python3 can import every module named.</summary>
    public static void Require(params string[] modules)
    {
        string? problem = null;
        if (!File.Exists(Exe))
            problem = $"{Exe} not found";
        else
        {
            var (code, _, err) = Run($"import {string.Join(", ", modules)}");
            if (code != 0)
                problem = $"python3 cannot import {string.Join(", ", modules)}: {err.Trim().Split('\n').LastOrDefault()}";
        }
        if (problem is not null)
            SystemTool.Unavailable(problem);
    }

    /// <summary>Runs a script with python3 -c; returns exit code, stdout, stderr.</summary>
    public static (int Code, string Out, string Err) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
