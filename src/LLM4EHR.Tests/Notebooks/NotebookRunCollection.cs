namespace LLM4EHR.Tests.Notebooks;

/// <summary>Test classes in this collection share one <see cref="NotebookRunFixture"/> (one runner execution).</summary>
[CollectionDefinition(Name)]
public sealed class NotebookRunCollection : ICollectionFixture<NotebookRunFixture>
{
    public const string Name = "notebook runs";
}
