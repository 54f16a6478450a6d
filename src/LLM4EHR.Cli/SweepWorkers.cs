using System.Diagnostics;
using LLM4EHR.Sweeps;
using Spectre.Console;

namespace LLM4EHR.Cli;

/// <summary>
/// <c>sweep --workers N</c>: N <c>llm4ehr sweep worker</c> processes claim runs from the manifest (under its lock) until
/// none is left. Their output is passed through, each line prefixed with the worker's number. On cancellation every
/// worker gets SIGTERM (Ctrl+C reaches them directly through the terminal) and checkpoints its run.
/// </summary>
internal static class SweepWorkers
{
    public static SweepOutcome Run(string sweepDir, int workers, CancellationToken cancellationToken)
    {
        const int prefixWidth = 6;
        var command = CliSelf.Command();
        var processes = new List<Process>();
        for (int w = 1; w <= workers; w++)
        {
            var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            // Redirected, Spectre would wrap at 80 columns; the lines are printed again on this console, so use its width.
            psi.Environment["COLUMNS"] = Math.Max(80, AnsiConsole.Profile.Width - prefixWidth).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var arg in command.Skip(1).Concat(["sweep", "worker", sweepDir]))
                psi.ArgumentList.Add(arg);
            var process = Process.Start(psi)!;
            string prefix = $"[w{w}] ";
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Out.WriteLine(prefix + e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(prefix + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add(process);
        }
        using (cancellationToken.Register(() => processes.ForEach(p => { if (!p.HasExited) Terminate(p.Id); })))
            foreach (var p in processes)
                p.WaitForExit();
        bool interrupted = processes.Any(p => p.ExitCode == 130) || cancellationToken.IsCancellationRequested;
        foreach (var p in processes)
            p.Dispose();
        return new SweepOutcome(SweepStore.Read(sweepDir), interrupted);
    }

    // .NET can only SIGKILL another process; a worker needs SIGTERM to save its checkpoint.
    private static void Terminate(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        kill?.WaitForExit();
    }
}
