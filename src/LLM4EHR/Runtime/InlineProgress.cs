namespace LLM4EHR.Runtime;

/// <summary>
/// Calls back synchronously on the reporting thread, in order. <see cref="Progress{T}"/> would post to the thread
/// pool (or a captured context) and can reorder or delay reports, which breaks counting, cancelling from a
/// report, and line-by-line console output.
/// </summary>
public sealed class InlineProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}
