namespace LLM4EHR.Models.Llama;

/// <summary>How a random weight starts (HF's <c>_init_weights</c> for Llama).</summary>
public enum LlamaInit
{
    /// <summary>normal(0, initializer_range): embeddings, linears, the LM head.</summary>
    Normal,
    /// <summary>RMSNorm scales.</summary>
    Ones,
    /// <summary>Biases.</summary>
    Zeros,
}

/// <summary>One checkpoint tensor of a Llama: its HF key, shape and random init, known before any value exists.</summary>
public sealed record LlamaTensorSpec(string Key, long[] Shape, LlamaInit Init)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
