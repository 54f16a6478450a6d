using LLM4EHR.Runtime;
using Spectre.Console;

namespace LLM4EHR.Cli;

/// <summary>What every <c>llm4ehr bench</c> command prints besides its summary line.</summary>
internal static class BenchConsole
{
    /// <summary>
    /// Progress as grey lines, printed synchronously: Progress&lt;T&gt; would post them to the thread pool, where they
    /// can interrupt a timing or land after the summary line.
    /// </summary>
    public static IProgress<string> Progress { get; } = new InlineProgress<string>(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]"));

    /// <summary>Prints the OpenMP wait policy in effect (Program sets it before TorchSharp loads): timings depend on it.</summary>
    public static void ReportWaitPolicy() =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{OpenMpWaitPolicy.Variable}={OpenMpWaitPolicy.PreferPassive() ?? "default"}[/]");
}
