namespace LLM4EHR.Cli;

/// <summary>
/// Marks a Spectre.Console.Cli command class with its verb. Commands are discovered from this attribute,
/// so adding a command is adding one file (no central list to edit).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class CliCommandAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    /// <summary>Optional sub-branch, e.g. "bench" for <c>llm4ehr bench load</c>.</summary>
    public string? Branch { get; init; }
}
