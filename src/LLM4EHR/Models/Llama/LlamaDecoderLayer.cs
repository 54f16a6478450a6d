using F = TorchSharp.torch.nn.functional;
using TorchSharp.Modules;
using TorchSharp.Utils;
using TorchSharp;
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

/// <summary>SwiGLU feed-forward (HF <c>LlamaMLP</c>): down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMLP : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] internal nn.Module<Tensor, Tensor> GateProj;
    [ComponentName(Name = "up_proj")] internal nn.Module<Tensor, Tensor> UpProj;
    [ComponentName(Name = "down_proj")] internal nn.Module<Tensor, Tensor> DownProj;

    public LlamaMLP(LlamaConfig c, Device device, ScalarType dtype) : base("LlamaMLP")
    {
        GateProj = nn.Linear(c.HiddenSize, c.IntermediateSize, c.MlpBias, device, dtype);
        UpProj = nn.Linear(c.HiddenSize, c.IntermediateSize, c.MlpBias, device, dtype);
        DownProj = nn.Linear(c.IntermediateSize, c.HiddenSize, c.MlpBias, device, dtype);
        RegisterComponents();
    }

    // x: [B, T, H] -> [B, T, H]
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gated = F.silu(GateProj.call(x)) * UpProj.call(x); // [B, T, I]
        return DownProj.call(gated).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Root-mean-square norm as in HF <c>LlamaRMSNorm</c>: the statistic is computed in float32 and the result cast
/// back to the input dtype before the (input-dtype) weight multiplies it, so bf16 runs match HF rounding.
/// </summary>
public sealed class LlamaRMSNorm : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private readonly double _eps;

    public LlamaRMSNorm(long hidden, double eps, Device? device = null, ScalarType? dtype = null) : base("LlamaRMSNorm")
    {
        weight = new Parameter(ones(hidden, dtype: dtype, device: device), requires_grad: false);
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>The scale vector [H]; setting it replaces the registered parameter (used by the loader).</summary>
    public Parameter Weight
    {
        get => weight;
        set
        {
            weight.Dispose();
            weight = value;
            ConditionallyRegisterParameter(nameof(weight), value);
        }
    }

    // x: [..., H] -> [..., H]
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inputDtype = x.dtype;
        var x32 = x.to_type(ScalarType.Float32);
        var variance = x32.square().mean([-1], keepdim: true);
        var normed = (x32 * (variance + _eps).rsqrt()).to_type(inputDtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The parameter container HF calls <c>model</c>: embeddings, decoder layers, final norm. It exists so parameter
/// names come out as HF keys (<c>model.layers.0.self_attn.q_proj.weight</c>); <see cref="LlamaModel"/> runs it.
/// </summary>
public sealed class LlamaBackbone : nn.Module
{
    [ComponentName(Name = "embed_tokens")] internal readonly Embedding EmbedTokens;
    [ComponentName(Name = "layers")] internal readonly ModuleList<LlamaDecoderLayer> Layers;
    [ComponentName(Name = "norm")] internal readonly LlamaRMSNorm Norm;

    public LlamaBackbone(LlamaConfig c, Device device, ScalarType dtype) : base("LlamaBackbone")
    {
        // TorchSharp's Embedding constructor fills a full-size CPU weight whatever the device asked for, and that memory
        // stays resident (2 GB for Llama-3's 128256 × 4096 in f32, measured): build it with one row, then give it a
        // weight of the real shape on the requested (meta) device, which the loader replaces.
        EmbedTokens = nn.Embedding(1, c.HiddenSize, device: device, dtype: dtype);
        EmbedTokens.weight = new Parameter(empty(c.VocabSize, c.HiddenSize, dtype: dtype, device: device));
        Layers = new ModuleList<LlamaDecoderLayer>(
            Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(c, device, dtype)).ToArray());
        Norm = new LlamaRMSNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        RegisterComponents();
    }
}
