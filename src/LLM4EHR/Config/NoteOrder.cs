namespace LLM4EHR.Config;

/// <summary>Which notes of a stay to keep when there are more than max_notes: the earliest or the latest.</summary>
public enum NoteOrder
{
    First,
    Last,
}
