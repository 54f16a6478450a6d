using LLM4EHR.Models;
using LLM4EHR.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// A small real model for adapter/quantization tests: token embedding → N <see cref="TinyBlock"/>s → LayerNorm,
/// exposing its projections under Llama's HF names (<c>model.layers.{i}.self_attn.q_proj</c>,
/// <c>model.layers.{i}.mlp.down_proj</c>, …). Embedding and norm are not linears and must stay untouched.
/// </summary>
internal sealed class TinyHostModel : Module<Tensor, Tensor>, ILinearHost, IBackbone
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<TinyBlock> layers;
    private readonly LayerNorm norm;

    public TinyHostModel(long vocab = 50, long hidden = 32, long intermediate = 48, int blocks = 2, long seed = 7)
        : base(nameof(TinyHostModel))
    {
        Hidden = hidden;
        embed_tokens = Embedding(vocab, hidden);
        layers = new ModuleList<TinyBlock>(Enumerable.Range(0, blocks).Select(_ => new TinyBlock(hidden, intermediate)).ToArray());
        norm = LayerNorm(hidden);
        RegisterComponents();
        // Re-initialise from a private generator: the global RNG is shared with tests running in parallel, and two
        // models built with the same seed must be bit-identical (reload and import tests compare their logits).
        using (var g = new Generator((ulong)seed, CPU))
        using (no_grad())
        {
            foreach (var (name, p) in named_parameters())
            {
                if (name.StartsWith("norm.", StringComparison.Ordinal)) continue; // LayerNorm keeps ones/zeros
                double bound = p.dim() == 2 && !name.StartsWith("embed", StringComparison.Ordinal) ? 1 / Math.Sqrt(p.shape[1]) : 0.5;
                p.copy_(rand(p.shape, generator: g) * (2 * bound) - bound);
            }
        }
        LinearNames = Enumerable.Range(0, blocks).SelectMany(i =>
            TinyBlock.AttentionNames.Select(n => $"model.layers.{i}.self_attn.{n}")
                .Concat(TinyBlock.MlpNames.Select(n => $"model.layers.{i}.mlp.{n}"))).ToList();
    }

    public long Hidden { get; }
    public IReadOnlyList<string> LinearNames { get; }

    public Module<Tensor, Tensor> GetLinear(string name) { var (b, n) = Locate(name); return b.Get(n); }
    public void SetLinear(string name, Module<Tensor, Tensor> module) { var (b, n) = Locate(name); b.Set(n, module); }

    private (TinyBlock Block, string Name) Locate(string name)
    {
        if (!LinearNames.Contains(name)) throw new KeyNotFoundException(name);
        var parts = name.Split('.');           // model.layers.{i}.{self_attn|mlp}.{proj}
        return (layers[int.Parse(parts[2])], parts[4]);
    }

    /// <summary>ids [B, T] int64 → last hidden state [B, T, H].</summary>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var x = embed_tokens.forward(ids);
        foreach (var block in layers)
            x = block.forward(x);
        return norm.forward(x).MoveToOuterDisposeScope();
    }

    public Tensor LastHiddenState(StayBatch batch) => forward(batch.InputIds);

    long IBackbone.HiddenSize => Hidden;
    nn.Module IBackbone.Module => this;
    ILinearHost IBackbone.Linears => this;
    (Tensor Hidden, Tensor Mask) IBackbone.Encode(StayBatch batch) => (forward(batch.InputIds), batch.AttentionMask.alias());

    /// <summary>A right-padded synthetic batch: lengths per row, random ids, labels [B, K].</summary>
    public static StayBatch Batch(int[] lengths, int labels, long vocab = 50, long seed = 3)
    {
        using var g = new Generator((ulong)seed, CPU);
        long t = lengths.Max();
        var ids = randint(1, vocab, [lengths.Length, t], generator: g);
        var mask = zeros([lengths.Length, t], ScalarType.Int64);
        for (int i = 0; i < lengths.Length; i++)
            mask[i, TensorIndex.Slice(0, lengths[i])] = 1;
        ids = ids * mask;
        var pos = (mask.cumsum(1) - 1).clamp_min(0) * mask;
        var y = randint(0, 2, [lengths.Length, labels], generator: g).to_type(ScalarType.Float32);
        return new StayBatch(ids, mask, pos, y, lengths.Select((_, i) => $"stay{i}").ToList());
    }
}
