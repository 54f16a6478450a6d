using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// Plugs NF4 into model loading. The Llama loader calls a linear factory per linear while streaming weights
/// (<c>(moduleName, weight, bias) → module, or null for "make a plain Linear"</c>), so each full-precision weight
/// lives only until it is quantized and peak memory stays near the quantized size.
/// </summary>
public static class Nf4LinearFactory
{
    /// <summary>A factory that returns an <see cref="Nf4Linear"/> for selected modules and null for the rest.</summary>
    public static Func<string, Tensor, Tensor?, Module<Tensor, Tensor>?> Create(Nf4Options options) =>
        (name, weight, bias) => options.Selects(name) ? new Nf4Linear(weight, bias, options.DoubleQuant) : null;

    /// <summary>
    /// Quantizes an already-loaded model in place: every selected plain <see cref="TorchSharp.Modules.Linear"/>
    /// is replaced by an <see cref="Nf4Linear"/> and disposed. Returns the names that were quantized.
    /// </summary>
    public static IReadOnlyList<string> QuantizeInPlace(ILinearHost host, Nf4Options options)
    {
        var done = new List<string>();
        foreach (var name in host.LinearNames.Where(options.Selects).ToList())
        {
            if (host.GetLinear(name) is not TorchSharp.Modules.Linear linear)
                continue; // already quantized or wrapped: leave it alone
            var quantized = new Nf4Linear(linear.weight!, linear.bias, options.DoubleQuant);
            host.SetLinear(name, quantized);
            linear.Dispose();
            done.Add(name);
        }
        return done;
    }
}

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
