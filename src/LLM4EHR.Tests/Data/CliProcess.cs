using System.Diagnostics;

namespace LLM4EHR.Tests.Data;

/// <summary>Runs the built <c>llm4ehr</c> CLI (copied beside the tests) as a user would, capturing exit code and output.</summary>
internal static class CliProcess
{
    public static (int Code, string Out, string Err) Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Run"/>, with extra environment variables for the child.</summary>
    public static (int Code, string Out, string Err) RunWith(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LLM4EHR.Cli.exe" : "LLM4EHR.Cli");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        foreach (var (key, value) in env) psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
