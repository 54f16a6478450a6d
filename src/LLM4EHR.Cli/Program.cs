using LLM4EHR;
using LLM4EHR.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

// Exit codes: 0 ok, 2 bad input or usage, 1 internal error. Errors are one line on stderr;
// `--verbose` (anywhere on the line) adds the stack trace.
bool verbose = args.Contains("--verbose");
args = args.Where(a => a != "--verbose").ToArray();

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("llm4ehr");
    config.PropagateExceptions();
    CommandCatalog.Register(config);
});

try
{
    return await app.RunAsync(args);
}
catch (Exception e)
{
    return ErrorReporter.Report(e, verbose);
}
