namespace LLM4EHR.Tests.Support;

/// <summary>
/// Sets an environment variable (null removes it) until disposed, then restores what the environment had, which a
/// user may have set. Process-wide: only for tests in a collection that runs alone.
/// </summary>
internal sealed class EnvironmentOverride : IDisposable
{
    private readonly string _name;
    private readonly string? _before;

    public EnvironmentOverride(string name, string? value)
    {
        _name = name;
        _before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _before);
}
