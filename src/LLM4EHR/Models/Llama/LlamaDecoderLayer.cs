using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Models.Llama;

/// <summary>One pre-norm transformer block (HF <c>LlamaDecoderLayer</c>): x + attn(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class LlamaDecoderLayer : nn.Module, ICheckpointLayer
{
    [ComponentName(Name = "self_attn")] internal readonly LlamaAttention SelfAttn;
    [ComponentName(Name = "mlp")] internal readonly LlamaMLP Mlp;
    [ComponentName(Name = "input_layernorm")] internal readonly LlamaRMSNorm InputLayerNorm;
    [ComponentName(Name = "post_attention_layernorm")] internal readonly LlamaRMSNorm PostAttentionLayerNorm;

    public LlamaDecoderLayer(LlamaConfig c, Device device, ScalarType dtype) : base("LlamaDecoderLayer")
    {
        SelfAttn = new LlamaAttention(c, device, dtype);
        Mlp = new LlamaMLP(c, device, dtype);
        InputLayerNorm = new LlamaRMSNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        PostAttentionLayerNorm = new LlamaRMSNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    public LlamaAttention SelfAttention => SelfAttn;
    public LlamaMLP MLP => Mlp;
    public LlamaRMSNorm InputNorm => InputLayerNorm;
    public LlamaRMSNorm PostAttentionNorm => PostAttentionLayerNorm;

    /// <summary>x [B, T, H], cos/sin [B, 1, T, D], mask null or bool [B, 1, T, T] → [B, T, H].</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var h = x + SelfAttn.Forward(InputLayerNorm.call(x), cos, sin, mask);
        var o = h + Mlp.call(PostAttentionLayerNorm.call(h));
        return o.MoveToOuterDisposeScope();
    }

    /// <summary>Parameters inside this layer that currently require grad (LoRA adapters, unfrozen weights).</summary>
    internal List<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad).ToList();

    List<Parameter> ICheckpointLayer.TrainableParameters() => TrainableParameters();

    // Context as LlamaModel passes it to LayerCheckpoint: cos, sin, mask.
    Tensor ICheckpointLayer.Forward(Tensor x, IReadOnlyList<Tensor?> context) => Forward(x, context[0]!, context[1]!, context[2]);
}
