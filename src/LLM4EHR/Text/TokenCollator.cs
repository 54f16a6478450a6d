using LLM4EHR.Models;
using static TorchSharp.torch;

namespace LLM4EHR.Text;

/// <summary>
/// Pads tokenized stays to the longest in the batch and builds a <see cref="StayBatch"/>.
/// </summary>
/// <param name="PadId">
/// Id written at padding positions. It never reaches attention or pooling (the mask is 0 there), so any valid id
/// works; <see cref="For"/> uses the tokenizer's <c>&lt;|end_of_text|&gt;</c> (Llama-3 has no pad token and this is
/// the common fine-tuning choice). Must be a valid embedding row, so it is never negative.
/// </param>
/// <param name="Side">Right (default) or left padding.</param>
public sealed record TokenCollator(int PadId, PaddingSide Side = PaddingSide.Right)
{
    /// <summary>A collator padding with <paramref name="tokenizer"/>'s <c>&lt;|end_of_text|&gt;</c>.</summary>
    public static TokenCollator For(Llama3Tokenizer tokenizer, PaddingSide side = PaddingSide.Right) =>
        new(tokenizer.EndOfTextId, side);

    /// <summary>Pads <paramref name="stays"/> (at least one; all with the same label count) into one batch.</summary>
    public StayBatch Collate(IReadOnlyList<TokenizedStay> stays)
    {
        if (stays.Count == 0)
            throw new ArgumentException("cannot collate an empty batch", nameof(stays));
        ArgumentOutOfRangeException.ThrowIfNegative(PadId);
        int b = stays.Count;
        int t = Math.Max(1, stays.Max(s => s.TokenIds.Length));
        int k = stays[0].Labels.Length;

        var ids = new long[b * t];     // [B, T]
        var mask = new long[b * t];    // [B, T]
        var labels = new float[b * k]; // [B, K]
        Array.Fill(ids, PadId);
        for (int row = 0; row < b; row++)
        {
            var stay = stays[row];
            if (stay.Labels.Length != k)
                throw new ArgumentException($"{stay.Name}: {stay.Labels.Length} labels, but {stays[0].Name} has {k}");
            int len = stay.TokenIds.Length;
            int start = row * t + (Side == PaddingSide.Left ? t - len : 0);
            for (int j = 0; j < len; j++)
            {
                ids[start + j] = stay.TokenIds[j];
                mask[start + j] = 1;
            }
            stay.Labels.CopyTo(labels, row * k);
        }

        using var scope = NewDisposeScope();
        var idsT = tensor(ids, [b, t]);
        var maskT = tensor(mask, [b, t]);
        var positions = PositionIdsFromMask(maskT);
        var labelsT = tensor(labels, [b, k]);
        return new StayBatch(
            idsT.MoveToOuterDisposeScope(),
            maskT.MoveToOuterDisposeScope(),
            positions.MoveToOuterDisposeScope(),
            labelsT.MoveToOuterDisposeScope(),
            [.. stays.Select(s => s.Name)]);
    }

    /// <summary>
    /// Positions counted over real tokens: [B, T] int64 mask → [B, T] int64 with 0,1,2… at mask 1 and 0 at padding.
    /// Left-padded rows thus start at 0 at their first real token, exactly like right-padded rows.
    /// </summary>
    public static Tensor PositionIdsFromMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var mask = attentionMask.to_type(ScalarType.Int64);
        var positions = (mask.cumsum(1) - 1).clamp_min(0) * mask; // [B, T]
        return positions.MoveToOuterDisposeScope();
    }
}

/// <summary>Where padding goes in a batch row. Positions of real tokens are the same either way.</summary>
public enum PaddingSide
{
    /// <summary>Real tokens first, padding after (the usual choice for classification with masked pooling).</summary>
    Right,
    /// <summary>Padding first, real tokens last (last-token pooling, generation).</summary>
    Left,
}
