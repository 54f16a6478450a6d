using System.Reflection;
using LLM4EHR.Cli;

namespace LLM4EHR.Tests.Cli;

/// <summary>Wrapped user errors still exit 2 with their own one-line message; wrapped internal errors exit 1.</summary>
public sealed class ErrorReporterTests
{
    private static (int Code, string Stderr) Report(Exception e)
    {
        var stderr = new StringWriter();
        int code = ErrorReporter.Report(e, verbose: false, stderr);
        return (code, stderr.ToString().TrimEnd());
    }

    private static readonly BadInputException Bad = new("a.pkl: record 3 (x.csv): reg_ts: expected [48,34], got [47,34]");

    [Fact]
    public void Bad_input_thrown_through_reflection_exits_2()
    {
        var (code, stderr) = Report(new TargetInvocationException(Bad));
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Equal($"llm4ehr: error: {Bad.Message}", stderr);
    }

    [Fact]
    public void Several_bad_inputs_from_parallel_work_report_the_first_and_exit_2()
    {
        var nested = new AggregateException(
            new AggregateException(new TargetInvocationException(Bad), new BadInputException("b.pkl: second")),
            new BadInputException("c.pkl: third"));
        var (code, stderr) = Report(nested);
        Assert.Equal(ErrorReporter.BadInput, code);
        Assert.Equal($"llm4ehr: error: {Bad.Message}", stderr);
    }

    [Fact]
    public void An_internal_error_among_bad_inputs_exits_1_with_its_message()
    {
        var (code, stderr) = Report(new AggregateException(Bad, new InvalidOperationException("index out of sync")));
        Assert.Equal(ErrorReporter.Internal, code);
        Assert.Equal("llm4ehr: internal error: index out of sync", stderr);
    }

    [Fact]
    public void Verbose_output_keeps_the_whole_chain()
    {
        var stderr = new StringWriter();
        ErrorReporter.Report(new TargetInvocationException(Bad), verbose: true, stderr);
        Assert.Contains(nameof(TargetInvocationException), stderr.ToString());
        Assert.Contains(Bad.Message, stderr.ToString().Split('\n')[1..].Aggregate((a, b) => a + b));
    }
}
