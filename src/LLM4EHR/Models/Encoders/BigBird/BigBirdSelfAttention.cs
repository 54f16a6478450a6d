using LLM4EHR.Models.Encoders.Bert;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention heads, D head dim (H / A);
// here also S block size, N = ceil(T / S) blocks, M = N - 2 middle blocks, R random blocks per middle block.

namespace LLM4EHR.Models.Encoders.BigBird;

/// <summary>
/// HF BigBird self-attention: <c>original_full</c> (as BERT's, with attention dropout) or <c>block_sparse</c>
/// (HF <c>BigBirdBlockSparseAttention</c>, ITC layout, no attention dropout). Block sparse: the sequence is cut into
/// blocks of S; the first and last query blocks attend to every key (global); each middle block i attends, in one
/// softmax, to key blocks 0 and N-1 (global), i-1, i, i+1 (window; a neighbour that is itself global is not counted
/// twice) and R random blocks. Padding keys get HF's -10000 penalty; padding queries are zeroed.
/// <para>
/// As HF, it falls back to full attention when T ≤ (5 + 2R)·S (too short for the layout), and pads T to whole
/// blocks (no effect at real positions). HF makes that fallback stick to the model; here it is decided per forward.
/// </para>
/// <para>
/// Random blocks: in eval mode HF (transformers ≥ 4.3x, <c>_bigbird_block_rand_mask*</c>: "During inference (eval)
/// no randomness") uses block 0 for all R random slots, and so does this class, duplicates included, so eval
/// outputs match HF exactly. In training HF draws them with NumPy's legacy generator seeded by the layer index;
/// here they are drawn with .NET's <see cref="Random"/> seeded by the layer index, from the same legal set (not in
/// the window, not global, and for blocks 1 and N-2 not the opposite second block), uniformly over the whole
/// sequence rather than through HF's per-length "plan". Same structure, different draws.
/// </para>
/// </summary>
public sealed class BigBirdSelfAttention : EncoderSelfAttention
{
    private const double Penalty = -10000.0; // HF's attn_mask_penalty for block-sparse attention
    private readonly int _block, _random, _layer;
    private readonly bool _blockSparse;

    public BigBirdSelfAttention(EncoderConfig c, int layerIndex, ScalarType dtype) : base("BigBirdSelfAttention", c, dtype, c.UseBias)
    {
        _block = c.BlockSize;
        _random = c.NumRandomBlocks;
        _layer = layerIndex;
        _blockSparse = c.AttentionType == EncoderConfig.BlockSparse;
        RegisterComponents();
    }

    /// <summary>HF's rule: block sparse only when T &gt; (5 + 2R)·S tokens, else full attention.</summary>
    public static bool UsesBlockSparse(EncoderConfig c, long tokens) =>
        c.AttentionType == EncoderConfig.BlockSparse && tokens > (5L + 2 * c.NumRandomBlocks) * c.BlockSize;

    public override Tensor Forward(Tensor x, EncoderMasks masks)
    {
        using var scope = NewDisposeScope();
        var q = SplitHeads(Linears.Call("query", x));                          // [B, A, T, D]
        var k = SplitHeads(Linears.Call("key", x));
        var v = SplitHeads(Linears.Call("value", x));
        bool sparse = _blockSparse && x.shape[1] > (5L + 2 * _random) * _block;
        var context = sparse
            ? BlockSparse(q, k, v, masks.Real)
            : BertSelfAttention.Full(q, k, v, masks.Real, training ? DropoutProbability : 0.0);
        return MergeHeads(context).MoveToOuterDisposeScope();                  // [B, T, H]
    }

    private Tensor BlockSparse(Tensor q, Tensor k, Tensor v, Tensor real)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], t = q.shape[2], s = _block, r = _random;
        long n = (t + s - 1) / s, pad = n * s - t, m = n - 2;
        double scale = 1.0 / Math.Sqrt(HeadDim);
        var device = q.device;
        q = F.pad(q, [0, 0, 0, pad]);                                           // [B, A, N·S, D]
        k = F.pad(k, [0, 0, 0, pad]);
        v = F.pad(v, [0, 0, 0, pad]);
        var realF = F.pad(real.to_type(q.dtype), [0, pad]);                    // [B, N·S] 1 real, 0 padding
        var penalty = (1.0 - realF) * Penalty;                                  // [B, N·S]
        var qb = q.view(b, Heads, n, s, HeadDim);                               // [B, A, N, S, D]
        var kb = k.view(b, Heads, n, s, HeadDim);
        var vb = v.view(b, Heads, n, s, HeadDim);

        // First and last query blocks: every key.
        var qGlobal = cat([qb.select(2, 0), qb.select(2, n - 1)], 2);          // [B, A, 2S, D]
        var globalScores = qGlobal.matmul(k.transpose(-1, -2)) * scale + penalty.view(b, 1, 1, n * s);
        var globalOut = F.softmax(globalScores, -1).matmul(v);                 // [B, A, 2S, D]

        // Middle query blocks: 5 structural key blocks (some invalid) + R random ones.
        var (structural, valid) = StructuralBlocks(n, device);                 // [M·5], [M, 5]
        var random = RandomBlocks(n, device);                                   // [A, M·R]
        var keys = cat([GatherBlocks(kb, structural, m, 5), GatherBlocks(kb, random, m, r)], 3);   // [B, A, M, (5+R)S, D]
        var values = cat([GatherBlocks(vb, structural, m, 5), GatherBlocks(vb, random, m, r)], 3);
        var blockPenalty = penalty.view(b, 1, n, s, 1);                         // [B, 1, N, S, 1] as blocks of "keys"
        var structuralPenalty = GatherBlocks(blockPenalty, structural, m, 5).squeeze(-1)           // [B, 1, M, 5S]
            + (1.0 - valid.to_type(q.dtype)).repeat_interleave(s, 1).unsqueeze(0).unsqueeze(0) * Penalty;
        var randomPenalty = GatherBlocks(blockPenalty.expand(b, Heads, n, s, 1), random, m, r).squeeze(-1); // [B, A, M, RS]
        var midPenalty = cat([structuralPenalty.expand(b, Heads, m, 5 * s), randomPenalty], -1).unsqueeze(3); // [B, A, M, 1, (5+R)S]
        var midScores = qb.narrow(2, 1, m).matmul(keys.transpose(-1, -2)) * scale + midPenalty;  // [B, A, M, S, (5+R)S]
        var midOut = F.softmax(midScores, -1).matmul(values).view(b, Heads, m * s, HeadDim);     // [B, A, M·S, D]

        var output = cat([globalOut.narrow(2, 0, s), midOut, globalOut.narrow(2, s, s)], 2);      // [B, A, N·S, D]
        output = output * realF.view(b, 1, n * s, 1);                           // HF: context * from_mask
        return output.narrow(2, 0, t).MoveToOuterDisposeScope();               // [B, A, T, D]
    }

    /// <summary>
    /// Key blocks 0, i-1, i, i+1, N-1 of middle block i = 1 … N-2, flattened [M·5], and which are valid [M, 5]: the
    /// window's left neighbour of block 1 and right neighbour of block N-2 are the global blocks, counted once.
    /// </summary>
    private static (Tensor Index, Tensor Valid) StructuralBlocks(long n, Device device)
    {
        long m = n - 2;
        var index = new long[m * 5];
        var valid = new bool[m * 5];
        for (long i = 1; i <= m; i++)
        {
            long row = (i - 1) * 5;
            long[] blocks = [0, i - 1, i, i + 1, n - 1];
            for (int slot = 0; slot < 5; slot++)
            {
                index[row + slot] = blocks[slot];
                valid[row + slot] = !(slot == 1 && i - 1 == 0) && !(slot == 3 && i + 1 == n - 1);
            }
        }
        return (tensor(index, device: device), tensor(valid, [m, 5], device: device));
    }

    /// <summary>R random key blocks per head and middle block, [A, M·R]: block 0 in eval (as HF), legal random draws in training.</summary>
    internal Tensor RandomBlocks(long n, Device device)
    {
        long m = n - 2;
        var index = new long[Heads * m * _random];
        if (training && _random > 0)
        {
            var rng = new Random(_layer);
            for (int h = 0; h < Heads; h++)
                for (long i = 1; i <= m; i++)
                {
                    var legal = Enumerable.Range(1, (int)n - 2).Select(x => (long)x)
                        .Where(j => Math.Abs(j - i) > 1 && !(i == 1 && j == n - 2) && !(i == n - 2 && j == 1)).ToArray();
                    rng.Shuffle(legal);
                    for (int j = 0; j < _random; j++)
                        index[(h * m + i - 1) * _random + j] = legal[j];
                }
        }
        return tensor(index, [Heads, m * _random], device: device);
    }

    /// <summary>
    /// blocks [B, A|1, N, S, D] at block index [K·C] (same for every head) or [A, K·C] (per head) → [B, A|1, K, C·S, D].
    /// </summary>
    private static Tensor GatherBlocks(Tensor blocks, Tensor index, long rows, long perRow)
    {
        using var scope = NewDisposeScope();
        long b = blocks.shape[0], a = blocks.shape[1], s = blocks.shape[3], d = blocks.shape[4];
        Tensor picked;
        if (index.dim() == 1)
            picked = blocks.index_select(2, index);                            // [B, A, K·C, S, D]
        else
        {
            var expanded = index.view(1, a, rows * perRow, 1, 1).expand(b, a, rows * perRow, s, d);
            picked = blocks.gather(2, expanded);                                // [B, A, K·C, S, D]
        }
        return picked.reshape(b, a, rows, perRow * s, d).MoveToOuterDisposeScope();
    }
}
