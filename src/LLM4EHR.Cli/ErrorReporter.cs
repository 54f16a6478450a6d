using LLM4EHR;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli;

/// <summary>Turns an exception into the one-line stderr message and exit code the CLI promises.</summary>
internal static class ErrorReporter
{
    public const int BadInput = 2;
    public const int Internal = 1;

    public static int Report(Exception e, bool verbose)
    {
        var root = e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : e;
        int code = root is BadInputException or CommandParseException or CommandRuntimeException ? BadInput : Internal;
        string prefix = code == BadInput ? "error" : "internal error";
        Console.Error.WriteLine($"llm4ehr: {prefix}: {OneLine(root.Message)}");
        if (verbose)
            Console.Error.WriteLine(root);
        return code;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
