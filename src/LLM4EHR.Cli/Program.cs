using LLM4EHR;
using LLM4EHR.Cli;

// Exit codes: 0 ok, 2 bad input or usage, 1 internal error. Errors are one line on stderr;
// `--verbose` (anywhere on the line) adds the stack trace.
// libgomp reads its wait policy once, when libtorch loads: set it before any TorchSharp call (see OpenMpWaitPolicy).
LLM4EHR.Runtime.OpenMpWaitPolicy.PreferPassive();

bool verbose = args.Contains("--verbose");
args = args.Where(a => a != "--verbose").ToArray();

try
{
    return await CommandCatalog.CreateApp().RunAsync(args);
}
catch (Exception e)
{
    return ErrorReporter.Report(e, verbose);
}
