namespace LLM4EHR.Data;

/// <summary>The three p2x split files of a task.</summary>
public enum P2xSplit
{
    Train,
    Val,
    Test,
}
