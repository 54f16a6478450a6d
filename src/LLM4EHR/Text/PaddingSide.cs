namespace LLM4EHR.Text;

/// <summary>Where padding goes in a batch row. Positions of real tokens are the same either way.</summary>
public enum PaddingSide
{
    /// <summary>Real tokens first, padding after (the usual choice for classification with masked pooling).</summary>
    Right,
    /// <summary>Padding first, real tokens last (last-token pooling, generation).</summary>
    Left,
}
