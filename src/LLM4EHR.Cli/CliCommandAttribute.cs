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
    /// <summary>The command the branch itself runs (<c>llm4ehr sweep --config …</c> beside <c>llm4ehr sweep status</c>).</summary>
    public bool BranchDefault { get; init; }
    /// <summary>Left out of help: plumbing that other commands start (e.g. <c>sweep worker</c>).</summary>
    public bool Hidden { get; init; }

    /// <summary>The words that select the command: <c>[name]</c>, <c>[branch, name]</c>, or <c>[branch]</c> for a branch default.</summary>
    public string[] Path => Branch is null ? [Name] : BranchDefault ? [Branch] : [Branch, Name];
}
