namespace LLM4EHR.Models.Memory;

/// <summary>How the frozen decoder projections are stored.</summary>
public enum WeightFormat
{
    /// <summary>In the compute dtype (bf16 on CUDA, f32 on CPU), as loaded without quantization.</summary>
    Full,
    /// <summary>NF4 codes + one f32 absmax per 64 weights (4.5 bits/weight).</summary>
    Nf4,
    /// <summary>NF4 with the absmax values quantized to int8 (≈4.13 bits/weight).</summary>
    Nf4DoubleQuant,
}
