namespace LLM4EHR.Models.Quantization;

/// <summary>
/// Which linears to quantize and how. QLoRA quantizes every linear projection of the decoder layers; embeddings,
/// norms and the LM head stay in full precision.
/// </summary>
public sealed record Nf4Options
{
    /// <summary>Compress the block absmax values to 8 bits (≈4.127 instead of 4.5 bits per weight).</summary>
    public bool DoubleQuant { get; init; } = true;

    /// <summary>Last module-name segments to quantize (only inside decoder layers, i.e. names containing ".layers.").</summary>
    public IReadOnlyList<string> Targets { get; init; } = Llama.LlamaProjections.ShortNames;

    /// <summary>True for decoder-layer linears whose last name segment is a target.</summary>
    public bool Selects(string moduleName) =>
        moduleName.Contains(".layers.", StringComparison.Ordinal) && Targets.Contains(LastSegment(moduleName));

    internal static string LastSegment(string moduleName) => moduleName[(moduleName.LastIndexOf('.') + 1)..];
}
