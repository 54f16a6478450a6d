using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LLM4EHR.Models.Encoders.Bert;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention heads, D head dim (H / A);
// here also W one-sided window (attention_window / 2), N = ceil(T / W) query blocks of W tokens, G global tokens per row.

namespace LLM4EHR.Models.Encoders.Longformer;

/// <summary>
/// HF <c>LongformerSelfAttention</c>. A local token attends, in one softmax with <c>query</c>/<c>key</c>/<c>value</c>,
/// to the real non-global tokens within W of it plus every global token of its row; a global token attends to every
/// real token with <c>query_global</c>/<c>key_global</c>/<c>value_global</c>. Queries are scaled by 1/sqrt(D).
/// <para>
/// The local part is O(T·W), never T×T: queries go in blocks of W, and block n sees the keys of blocks n-1, n, n+1
/// (3W keys, a superset of its window; the band mask keeps |i - j| ≤ W). Scores are [B, A, N, W, 3W + G].
/// HF computes the same band with overlapping chunks of 2W ("sliding chunks"); both pad the sequence to whole blocks,
/// which changes nothing at real positions.
/// </para>
/// </summary>
public sealed class LongformerSelfAttention : EncoderSelfAttention
{
    private readonly int _w;

    public LongformerSelfAttention(EncoderConfig c, int attentionWindow, ScalarType dtype) : base("LongformerSelfAttention", c, dtype, bias: true)
    {
        _w = attentionWindow / 2;
        foreach (var projection in new[] { "query_global", "key_global", "value_global" })
            Linears.Add(projection, c.HiddenSize, c.HiddenSize, bias: true, dtype);
        RegisterComponents();
    }

    /// <summary>One-sided window W of this layer.</summary>
    public int OneSidedWindow => _w;

    public override Tensor Forward(Tensor x, EncoderMasks masks)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], w = _w;
        long n = (t + w - 1) / w, pad = n * w - t;
        double min = BertSelfAttention.MinValue(x.dtype);
        var real = masks.Real;                                                     // [B, T]
        var global = masks.Global is { } g && g.any().item<bool>() ? g : null;     // [B, T] or null

        var q = SplitHeads(Linears.Call("query", x)) / Math.Sqrt(HeadDim);        // [B, A, T, D]
        var k = SplitHeads(Linears.Call("key", x));
        var v = SplitHeads(Linears.Call("value", x));

        // Local scores of each query block against its three key blocks.
        var qBlocks = F.pad(q, [0, 0, 0, pad]).view(b, Heads, n, w, HeadDim);    // [B, A, N, W, D]
        var scores = qBlocks.matmul(Band(k, w, n, pad).transpose(-1, -2));         // [B, A, N, W, 3W]
        var localKey = global is null ? real : real.logical_and(global.logical_not()); // [B, T]
        var keyOk = Band(localKey.unsqueeze(1).unsqueeze(-1), w, n, pad)           // [B, 1, N, 3W, 1]
            .squeeze(-1).unsqueeze(3);                                             // [B, 1, N, 1, 3W]
        var allowed = keyOk.logical_and(WithinWindow(w, x.device));               // [B, 1, N, W, 3W]
        scores = scores.masked_fill(allowed.logical_not(), min);

        Tensor? globalIndex = null, globalValid = null, globalValues = null;
        if (global is not null)
        {
            (globalIndex, globalValid) = GlobalSlots(global);                     // [B, G], [B, G]
            var keys = Gather(k, globalIndex);                                     // [B, A, G, D]
            globalValues = Gather(v, globalIndex);
            long gCount = globalIndex.shape[1];
            var globalScores = F.pad(q.matmul(keys.transpose(-1, -2)), [0, 0, 0, pad])
                .view(b, Heads, n, w, gCount);                                     // [B, A, N, W, G]
            var invalid = globalValid.logical_not().view(b, 1, 1, 1, gCount);
            scores = cat([globalScores.masked_fill(invalid, min), scores], -1);   // [B, A, N, W, G + 3W]
        }

        var probs = F.softmax(scores, -1, ScalarType.Float32).to_type(x.dtype);
        probs = CounterDropout.Apply(probs, DropoutProbability, training);
        long g0 = globalIndex?.shape[1] ?? 0;
        var context = probs.narrow(-1, g0, 3 * w).matmul(Band(v, w, n, pad));    // [B, A, N, W, D]
        if (globalValues is not null)
            context = context + probs.narrow(-1, 0, g0).matmul(globalValues.unsqueeze(2)); // [B, A, N, W, D]
        var output = context.view(b, Heads, n * w, HeadDim).narrow(2, 0, t);      // [B, A, T, D]
        output = output.masked_fill(real.logical_not().view(b, 1, t, 1), 0.0);   // HF zeroes padding queries

        if (global is not null)
        {
            var rows = GlobalRows(x, real, globalIndex!, globalValid!);            // [B, A, G, D]
            var placed = zeros_like(output).scatter(2, Expand(globalIndex!, output), rows);
            output = where(global.view(b, 1, t, 1), placed, output);
        }
        return MergeHeads(output).MoveToOuterDisposeScope();                      // [B, T, H]
    }

    /// <summary>Global queries against every real token, with the global projections: [B, A, G, D].</summary>
    private Tensor GlobalRows(Tensor x, Tensor real, Tensor globalIndex, Tensor globalValid)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], gCount = globalIndex.shape[1];
        var hidden = x.gather(1, globalIndex.unsqueeze(-1).expand(b, gCount, x.shape[2]));  // [B, G, H]
        var q = SplitHeads(Linears.Call("query_global", hidden)) / Math.Sqrt(HeadDim);      // [B, A, G, D]
        var k = SplitHeads(Linears.Call("key_global", x));                                   // [B, A, T, D]
        var v = SplitHeads(Linears.Call("value_global", x));
        var scores = q.matmul(k.transpose(-1, -2))                                           // [B, A, G, T]
            .masked_fill(real.logical_not().view(b, 1, 1, t), BertSelfAttention.MinValue(x.dtype));
        var probs = F.softmax(scores, -1, ScalarType.Float32).to_type(x.dtype);
        probs = CounterDropout.Apply(probs, DropoutProbability, training);
        var rows = probs.matmul(v);                                                          // [B, A, G, D]
        return rows.masked_fill(globalValid.logical_not().view(b, 1, gCount, 1), 0.0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// t [B, A, T, D] (or a mask [B, 1, T, 1]) → each query block's three neighbouring key blocks [B, A, N, 3W, D]:
    /// zero-padded by W on the left and W + pad on the right, so block n's slots are tokens (n-1)W … (n+2)W - 1.
    /// </summary>
    private static Tensor Band(Tensor t, long w, long n, long pad)
    {
        using var scope = NewDisposeScope();
        var padded = F.pad(t, [0, 0, w, w + pad]);                                 // [B, A, (N+2)W, D]
        var blocks = padded.view(t.shape[0], t.shape[1], n + 2, w, t.shape[3]);    // [B, A, N+2, W, D]
        return cat([blocks.narrow(2, 0, n), blocks.narrow(2, 1, n), blocks.narrow(2, 2, n)], 3)
            .MoveToOuterDisposeScope();                                            // [B, A, N, 3W, D]
    }

    /// <summary>bool [W, 3W]: query r of a block may see slot s when |(s - W) - r| ≤ W.</summary>
    private static Tensor WithinWindow(long w, Device device)
    {
        using var scope = NewDisposeScope();
        var r = arange(w, device: device).unsqueeze(1);                            // [W, 1]
        var s = arange(3 * w, device: device).unsqueeze(0);                        // [1, 3W]
        var offset = s - w - r;
        return offset.abs().le(w).MoveToOuterDisposeScope();                       // [W, 3W]
    }

    /// <summary>Each row's global positions, in order, padded to the row with most: index [B, G], valid [B, G].</summary>
    internal static (Tensor Index, Tensor Valid) GlobalSlots(Tensor global)
    {
        using var scope = NewDisposeScope();
        long t = global.shape[1];
        var counts = global.sum(1, type: ScalarType.Int64);                        // [B]
        long gCount = counts.max().item<long>();
        // Global positions sort first (key = position), the rest after (key = T + position).
        var key = arange(t, device: global.device).unsqueeze(0) + global.logical_not().to_type(ScalarType.Int64) * t;
        var index = key.argsort(1).narrow(1, 0, gCount);                           // [B, G]
        var valid = arange(gCount, device: global.device).unsqueeze(0).lt(counts.unsqueeze(1)); // [B, G]
        return (index.MoveToOuterDisposeScope(), valid.MoveToOuterDisposeScope());
    }

    /// <summary>index [B, G] → [B, A, G, D] for gather/scatter along T of a [B, A, T, D] tensor (neither broadcasts).</summary>
    private static Tensor Expand(Tensor index, Tensor like) =>
        index.unsqueeze(1).unsqueeze(-1).expand(like.shape[0], like.shape[1], index.shape[1], like.shape[3]);

    /// <summary>t [B, A, T, D] at index [B, G] → [B, A, G, D].</summary>
    private static Tensor Gather(Tensor t, Tensor index) => t.gather(2, Expand(index, t));
}
