namespace LLM4EHR.Config;

/// <summary>What a stay without any usable note becomes: dropped from the split, or a sequence holding only BOS.</summary>
public enum EmptyNotePolicy
{
    Skip,
    BosOnly,
}
