using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, V vocabulary.

namespace LLM4EHR.Models.Encoders;

/// <summary>HF's <c>encoder</c> module: the list of layers, named <c>layer</c> as in the checkpoints.</summary>
public sealed class EncoderStack : nn.Module
{
    [ComponentName(Name = "layer")] internal readonly ModuleList<EncoderLayer> Layers;

    public EncoderStack(IEnumerable<EncoderLayer> layers) : base("EncoderStack")
    {
        Layers = new ModuleList<EncoderLayer>(layers.ToArray());
        RegisterComponents();
    }
}

/// <summary>
/// A BERT-style encoder: <c>embeddings</c> → <c>encoder.layer.*</c> (post-LN) → last hidden state [B, T, H], and the
/// optional <c>pooler</c> (tanh(dense(h[:, 0]))). Parameter names are the HF checkpoint keys without the task-model
/// prefix (<c>embeddings.word_embeddings.weight</c>, …). The families (<see cref="Bert.BertModel"/>,
/// <see cref="Longformer.LongformerModel"/>, <see cref="BigBird.BigBirdModel"/>) choose the self-attention, the position ids and the
/// global tokens. Load one with <see cref="EncoderLoader"/>; its linears are exposed through <see cref="ILinearHost"/>
/// (<c>encoder.layer.0.attention.self.query</c>, …) so LoRA can wrap them. As an <see cref="IBackbone"/> it encodes a
/// right-padded <see cref="StayBatch"/> (token types 0; Longformer's global token is the first one) and pools over the
/// batch's attention mask.
/// </summary>
public abstract class EncoderModel : nn.Module, ILinearHost, IBackbone
{
    [ComponentName(Name = "embeddings")] internal readonly EncoderEmbeddings Embeddings;
    [ComponentName(Name = "encoder")] internal readonly EncoderStack Encoder;
    [ComponentName(Name = "pooler")] internal readonly EncoderPooler? Pooler;

    private readonly Dictionary<string, (LinearSlots Slots, string Slot)> _linears = new(StringComparer.Ordinal);

    /// <summary>Builds a model with untrained weights (float <paramref name="dtype"/>, CPU); fill it with <see cref="EncoderLoader"/>.</summary>
    protected EncoderModel(string name, EncoderConfig config, ScalarType dtype, bool withPooler, Func<int, EncoderSelfAttention> selfAttention)
        : base(name)
    {
        Config = config;
        Embeddings = new EncoderEmbeddings(config, dtype);
        Encoder = new EncoderStack(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new EncoderLayer(selfAttention(i), config, dtype)));
        Pooler = withPooler ? new EncoderPooler(config, dtype) : null;
        RegisterComponents();
        for (int i = 0; i < config.NumHiddenLayers; i++)
            foreach (var (n, slots, slot) in Encoder.Layers[i].Linears())
                _linears[$"encoder.layer.{i}.{n}"] = (slots, slot);
        LinearNames = _linears.Keys.ToList();
    }

    public EncoderConfig Config { get; }

    /// <summary>Whether the checkpoint had a pooler (BertForPreTraining does; LongformerForMaskedLM does not).</summary>
    public bool HasPooler => Pooler is not null;

    /// <summary>Recompute each layer in backward instead of storing its activations (see <see cref="LayerCheckpoint"/>).</summary>
    public bool GradientCheckpointing { get; set; }

    public IReadOnlyList<EncoderLayer> Layers => Encoder.Layers.ToList();

    /// <summary>
    /// Last hidden state [B, T, H] for token ids [B, T] (int64). <paramref name="attentionMask"/> [B, T] (1 real, 0 pad)
    /// defaults to all real; <paramref name="tokenTypeIds"/> [B, T] to zeros; <paramref name="globalAttentionMask"/>
    /// [B, T] (1 = global) is used by families with global attention (Longformer), which otherwise choose their own.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null, Tensor? globalAttentionMask = null)
    {
        using var scope = NewDisposeScope();
        long b = inputIds.shape[0], t = inputIds.shape[1];
        var real = attentionMask is null
            ? ones(b, t, ScalarType.Bool, inputIds.device)
            : attentionMask.to_type(ScalarType.Bool);                                 // [B, T]
        tokenTypeIds ??= zeros(b, t, ScalarType.Int64, inputIds.device);
        var positions = PositionIds(inputIds, real);                                  // [B, T]
        long maxPosition = positions.numel() == 0 ? 0 : positions.max().item<long>();
        if (maxPosition >= Embeddings.MaxPositions)
            throw new BadInputException($"config.json: max_position_embeddings: {Embeddings.MaxPositions} positions, but a sequence of {t} tokens needs position id {maxPosition}");
        var global = GlobalMask(real, globalAttentionMask);                           // [B, T] or null
        var h = Embeddings.Forward(inputIds, tokenTypeIds, positions);                // [B, T, H]
        bool checkpoint = GradientCheckpointing && is_grad_enabled();
        var masks = new EncoderMasks(real, global);
        foreach (var layer in Encoder.Layers)
            h = checkpoint && (h.requires_grad || layer.TrainableParameters().Count > 0)
                ? LayerCheckpoint.Run(layer, h, real, global)
                : layer.Forward(h, masks);
        return h.MoveToOuterDisposeScope();                                           // [B, T, H]
    }

    long IBackbone.HiddenSize => Config.HiddenSize;
    nn.Module IBackbone.Module => this;
    ILinearHost IBackbone.Linears => this;

    /// <summary>Last hidden state [B, T, H] of the batch's tokens, and its attention mask [B, T] to pool over.</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch) =>
        (Forward(batch.InputIds, batch.AttentionMask), batch.AttentionMask.alias());

    /// <summary>The pooler output [B, H] of a last hidden state [B, T, H] (tanh(dense(h[:, 0]))).</summary>
    public Tensor Pool(Tensor hidden) =>
        Pooler?.call(hidden) ?? throw new InvalidOperationException($"{GetType().Name}: this checkpoint has no pooler");

    /// <summary>Position ids [B, T] (int64) for ids [B, T] and the real-token mask [B, T].</summary>
    protected virtual Tensor PositionIds(Tensor inputIds, Tensor real) =>
        arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0).expand(inputIds.shape[0], -1);

    /// <summary>Global-attention tokens bool [B, T], or null for families without global attention.</summary>
    protected virtual Tensor? GlobalMask(Tensor real, Tensor? requested) => null;

    /// <summary>Sets requires_grad on every parameter (the loader freezes the base).</summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (var p in parameters())
            p.requires_grad_(requiresGrad);
    }

    public IReadOnlyList<string> LinearNames { get; }

    /// <summary>Last name segments of the encoders' linears, as LoRA targets name them (peft's BERT default: query, value).</summary>
    public static IReadOnlyList<string> ProjectionShortNames { get; } = ["query", "key", "value", "dense", "query_global", "key_global", "value_global"];

    public nn.Module<Tensor, Tensor> GetLinear(string name)
    {
        var (slots, slot) = Resolve(name);
        return slots[slot];
    }

    public void SetLinear(string name, nn.Module<Tensor, Tensor> module)
    {
        var (slots, slot) = Resolve(name);
        slots.Replace(slot, module);
    }

    private (LinearSlots Slots, string Slot) Resolve(string name) =>
        _linears.TryGetValue(name, out var found) ? found
        : throw new ArgumentException($"'{name}' is not a linear of this model (expected e.g. encoder.layer.0.attention.self.query)");
}
