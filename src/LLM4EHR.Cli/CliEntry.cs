using Spectre.Console.Cli;

namespace LLM4EHR.Cli;

/// <summary>
/// The whole command line as Program runs it: arguments checked (<see cref="CliArguments"/>), the app run, every
/// failure turned into the one-line message and exit code (0 ok, 2 bad input or usage, 1 internal error). Tests call
/// this to see exactly what a user sees.
/// </summary>
internal static class CliEntry
{
    public static int Run(string[] args, TextWriter stderr)
    {
        // `--verbose` (anywhere on the line) adds the stack trace.
        bool verbose = args.Contains("--verbose");
        args = args.Where(a => a != "--verbose").ToArray();
        try
        {
            args = CliArguments.Normalize(args);
            return CommandCatalog.CreateApp().Run(args);
        }
        catch (CommandParseException e) when (CliArguments.ExplainUnknownOption(e, args) is { } explained)
        {
            stderr.WriteLine($"llm4ehr: error: {explained}");
            return ErrorReporter.BadInput;
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, verbose, stderr);
        }
    }
}
