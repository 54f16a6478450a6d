using System.Reflection;
using LLM4EHR;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli;

/// <summary>Turns an exception into the one-line stderr message and exit code the CLI promises.</summary>
internal static class ErrorReporter
{
    public const int BadInput = 2;
    public const int Internal = 1;

    public static int Report(Exception e, bool verbose) => Report(e, verbose, Console.Error);

    /// <summary>Writes the message to <paramref name="stderr"/> and returns the exit code.</summary>
    public static int Report(Exception e, bool verbose, TextWriter stderr)
    {
        var root = Root(e);
        int code = IsUserError(root) ? BadInput : Internal;
        string prefix = code == BadInput ? "error" : "internal error";
        stderr.WriteLine($"llm4ehr: {prefix}: {OneLine(root.Message)}");
        if (verbose)
            stderr.WriteLine(e); // the whole chain: every inner exception of a wrapper, with its stack
        return code;
    }

    /// <summary>
    /// The exception the message should be about. Reflection (<see cref="TargetInvocationException"/>) and parallel
    /// work (<see cref="AggregateException"/>, possibly nested) wrap the real error; a user error inside them must
    /// still exit 2. A wrapper of several user errors (e.g. parallel records all bad) reports the first; one that
    /// also holds an internal error reports that, since the run failed for a reason the user cannot fix.
    /// </summary>
    internal static Exception Root(Exception e)
    {
        switch (e)
        {
            case TargetInvocationException { InnerException: { } inner }:
                return Root(inner);
            case AggregateException agg:
                // Depth first (Flatten would list nested wrappers' errors last): "first" means first thrown in order.
                var roots = agg.InnerExceptions.Select(Root).ToList();
                if (roots.Count == 0)
                    return e;
                return roots.FirstOrDefault(r => !IsUserError(r)) ?? roots[0];
            default:
                return e;
        }
    }

    private static bool IsUserError(Exception e) => e is BadInputException or CommandParseException or CommandRuntimeException;

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
