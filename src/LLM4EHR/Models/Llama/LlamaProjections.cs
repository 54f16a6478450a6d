using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// The seven linear projections of a decoder layer, addressed by their HF names relative to the layer
/// (<c>self_attn.q_proj</c> … <c>mlp.down_proj</c>). Swapping one replaces both the field forward uses and the
/// registered submodule, so <c>parameters()</c> and <c>state_dict()</c> reflect the new module.
/// </summary>
public static class LlamaProjections
{
    /// <summary>The seven projections of a decoder layer, by their HF names relative to the layer.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
        "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj",
    ];

    /// <summary>The same projections by their last name segment (<c>q_proj</c> …), as LoRA and NF4 targets name them.</summary>
    public static readonly IReadOnlyList<string> ShortNames = [.. Names.Select(n => n[(n.IndexOf('.') + 1)..])];

    /// <summary>(in, out) features of a projection, by full or short name (<c>self_attn.q_proj</c> or <c>q_proj</c>).</summary>
    public static (long In, long Out) Shape(LlamaConfig c, string projection)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        return projection[(projection.IndexOf('.') + 1)..] switch
        {
            "q_proj" => (h, q),
            "k_proj" or "v_proj" => (h, kv),
            "o_proj" => (q, h),
            "gate_proj" or "up_proj" => (h, c.IntermediateSize),
            "down_proj" => (c.IntermediateSize, h),
            _ => throw new ArgumentException($"unknown projection '{projection}'"),
        };
    }

    internal static nn.Module<Tensor, Tensor> Get(LlamaDecoderLayer layer, string projection) => projection switch
    {
        "self_attn.q_proj" => layer.SelfAttn.QProj,
        "self_attn.k_proj" => layer.SelfAttn.KProj,
        "self_attn.v_proj" => layer.SelfAttn.VProj,
        "self_attn.o_proj" => layer.SelfAttn.OProj,
        "mlp.gate_proj" => layer.Mlp.GateProj,
        "mlp.up_proj" => layer.Mlp.UpProj,
        "mlp.down_proj" => layer.Mlp.DownProj,
        _ => throw new ArgumentException($"unknown projection '{projection}'"),
    };

    internal static void Set(LlamaDecoderLayer layer, string projection, nn.Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        string field = projection[(projection.IndexOf('.') + 1)..];
        nn.Module owner = projection.StartsWith("self_attn.", StringComparison.Ordinal) ? layer.SelfAttn : layer.Mlp;
        switch (projection)
        {
            case "self_attn.q_proj": layer.SelfAttn.QProj = module; break;
            case "self_attn.k_proj": layer.SelfAttn.KProj = module; break;
            case "self_attn.v_proj": layer.SelfAttn.VProj = module; break;
            case "self_attn.o_proj": layer.SelfAttn.OProj = module; break;
            case "mlp.gate_proj": layer.Mlp.GateProj = module; break;
            case "mlp.up_proj": layer.Mlp.UpProj = module; break;
            case "mlp.down_proj": layer.Mlp.DownProj = module; break;
            default: throw new ArgumentException($"unknown projection '{projection}'");
        }
        // register_module(name, null) unregisters; then the new module takes the name.
        owner.register_module(field, null!);
        owner.register_module(field, module);
        module.train(owner.training);
    }
}
