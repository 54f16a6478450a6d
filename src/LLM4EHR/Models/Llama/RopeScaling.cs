namespace LLM4EHR.Models.Llama;

/// <summary>
/// The <c>rope_scaling</c> block of a Llama config. Only <c>default</c> (no scaling) and <c>llama3</c>
/// are supported; anything else is rejected when the config is read.
/// </summary>
public sealed record RopeScaling(
    string RopeType,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    long OriginalMaxPositionEmbeddings)
{
    public const string Llama3 = "llama3";

    /// <summary>Llama 3.1's values (factor 8, low 1, high 4, original context 8192).</summary>
    public static RopeScaling Llama31 { get; } = new(Llama3, 8.0, 1.0, 4.0, 8192);
}
