using System.Diagnostics;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>Exit code and captured output of a child process.</summary>
public sealed record ProcessRun(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    /// <summary>Runs <paramref name="exe"/> to completion (killed after <paramref name="timeout"/>).</summary>
    public static ProcessRun Start(string exe, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(exe)} {string.Join(' ', args)} ran past {timeout.TotalSeconds:F0} s");
        }
        p.WaitForExit();
        return new ProcessRun(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
