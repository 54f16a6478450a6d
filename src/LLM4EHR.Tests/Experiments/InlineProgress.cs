namespace LLM4EHR.Tests.Experiments;

/// <summary>Calls back on the reporting thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
public sealed class InlineProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}
