using System.Diagnostics;

namespace LLM4EHR.Tests.Data;

/// <summary>Runs the built <c>llm4ehr</c> CLI (copied beside the tests) as a user would, capturing exit code and output.</summary>
internal static class CliProcess
{
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(new Dictionary<string, string>(), null, args);

    /// <summary>With extra environment variables and, unless null, another working directory.</summary>
    public static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string> environment, string? workingDirectory, params string[] args)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LLM4EHR.Cli.exe" : "LLM4EHR.Cli");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
