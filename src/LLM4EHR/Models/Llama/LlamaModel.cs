using LLM4EHR.Runtime;
using LLM4EHR.Text;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Models.Llama;

/// <summary>
/// A Llama backbone: token embeddings → decoder layers → final RMSNorm → last hidden state [B, T, H].
/// No LM head is built. Parameter names are the HF checkpoint keys (<c>model.embed_tokens.weight</c>, …).
/// <para>
/// Construction allocates nothing: every parameter starts on the <c>meta</c> device (shapes only) and is
/// replaced tensor by tensor by <see cref="LlamaLoader"/> or <see cref="LlamaRandomWeights"/>, so a quantizing
/// linear factory never sees full-precision weights for the whole model at once.
/// </para>
/// </summary>
public sealed class LlamaModel : nn.Module, ILinearHost, IBackbone
{
    [ComponentName(Name = "model")] private readonly LlamaBackbone _model;
    private readonly LlamaRotaryEmbedding _rotary;

    /// <summary>Builds an empty (meta) model; fill it with <see cref="LlamaLoader"/> or <see cref="LlamaRandomWeights"/>.</summary>
    public LlamaModel(LlamaConfig config, ComputeDevice compute) : base("LlamaModel")
    {
        Config = config;
        Compute = compute;
        _model = new LlamaBackbone(config, new Device(DeviceType.META), compute.Dtype);
        _rotary = new LlamaRotaryEmbedding(config, compute.Device);
        RegisterComponents();
        LinearNames = Enumerable.Range(0, config.NumHiddenLayers)
            .SelectMany(i => LlamaProjections.Names.Select(p => $"model.layers.{i}.{p}")).ToList();
    }

    public LlamaConfig Config { get; }
    public ComputeDevice Compute { get; }

    /// <summary>Recompute each decoder layer in backward instead of storing its activations (see <see cref="LayerCheckpoint"/>).</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Decoder layers, in order.</summary>
    public IReadOnlyList<LlamaDecoderLayer> Layers => _model.Layers.ToList();

    /// <summary>Token ids [B, T] (int64) → embeddings [B, T, H].</summary>
    public Tensor Embed(Tensor inputIds) => _model.EmbedTokens.call(inputIds);

    /// <summary>
    /// Last hidden state [B, T, H] for token ids [B, T]. <paramref name="attentionMask"/> [B, T] (1 real, 0 pad) may
    /// be null (no padding); <paramref name="positionIds"/> [B, T] defaults to 0..T-1 as in HF.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null)
    {
        using var scope = NewDisposeScope();
        return ForwardEmbeddings(Embed(inputIds), attentionMask, positionIds).MoveToOuterDisposeScope();
    }

    /// <summary>Last hidden state [B, T, H] for a collated batch (its mask-derived position ids included).</summary>
    public Tensor Forward(StayBatch batch) => Forward(batch.InputIds, batch.AttentionMask, batch.PositionIds);

    // As a classifier's backbone: the final-norm hidden states, pooled over the real tokens.
    long IBackbone.HiddenSize => Config.HiddenSize;
    nn.Module IBackbone.Module => this;
    ILinearHost IBackbone.Linears => this;
    (Tensor Hidden, Tensor Mask) IBackbone.Encode(StayBatch batch) => (Forward(batch), batch.AttentionMask.alias());

    /// <summary>As <see cref="Forward(Tensor, Tensor?, Tensor?)"/>, from embeddings [B, T, H] (e.g. ones that require grad).</summary>
    public Tensor ForwardEmbeddings(Tensor embeddings, Tensor? attentionMask = null, Tensor? positionIds = null)
    {
        using var scope = NewDisposeScope();
        long b = embeddings.shape[0], t = embeddings.shape[1];
        positionIds ??= arange(t, dtype: ScalarType.Int64, device: embeddings.device).unsqueeze(0).expand(b, t);
        var (cos, sin) = _rotary.Compute(positionIds, LlamaAttention.CoreDtype(embeddings.dtype, embeddings.device)); // [B, 1, T, D]
        // No padding: SDPA's is_causal path (fused CPU flash kernel, no mask tensor). Padding: one mask for all layers.
        Tensor? mask = attentionMask is not null && LlamaAttentionMask.HasPadding(attentionMask)
            ? LlamaAttentionMask.Build(attentionMask) : null;                 // [B, 1, T, T]
        bool checkpoint = GradientCheckpointing && is_grad_enabled();
        var h = embeddings;
        foreach (var layer in _model.Layers)
            h = checkpoint && (h.requires_grad || layer.TrainableParameters().Count > 0)
                ? LayerCheckpoint.Run(layer, h, cos, sin, mask)
                : layer.Forward(h, cos, sin, mask);
        return _model.Norm.call(h).MoveToOuterDisposeScope();                // [B, T, H]
    }

    /// <summary>Sets requires_grad on every parameter (the base is frozen after loading).</summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (var p in parameters())
            p.requires_grad_(requiresGrad);
    }

    public IReadOnlyList<string> LinearNames { get; }

    public nn.Module<Tensor, Tensor> GetLinear(string name)
    {
        var (layer, projection) = Resolve(name);
        return LlamaProjections.Get(layer, projection);
    }

    public void SetLinear(string name, nn.Module<Tensor, Tensor> module)
    {
        var (layer, projection) = Resolve(name);
        LlamaProjections.Set(layer, projection, module);
    }

    private (LlamaDecoderLayer Layer, string Projection) Resolve(string name)
    {
        const string prefix = "model.layers.";
        if (name.StartsWith(prefix, StringComparison.Ordinal))
        {
            int dot = name.IndexOf('.', prefix.Length);
            if (dot > 0 && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), out int i)
                && i >= 0 && i < _model.Layers.Count && LlamaProjections.Names.Contains(name[(dot + 1)..]))
                return (_model.Layers[i], name[(dot + 1)..]);
        }
        throw new ArgumentException($"'{name}' is not a linear of this model (expected e.g. model.layers.0.self_attn.q_proj)");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _rotary.Dispose();
        base.Dispose(disposing);
    }
}
