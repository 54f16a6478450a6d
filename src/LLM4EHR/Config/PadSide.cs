namespace LLM4EHR.Config;

/// <summary>Which side of a batch row padding goes (position ids are computed from the mask, so both give the same hidden states).</summary>
public enum PadSide
{
    Right,
    Left,
}
