using LLM4EHR.Models;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Text;

public class TokenCollatorTests
{
    private static readonly TokenizedStay[] Stays =
    [
        new("a", [10, 11, 12], [1f, 0f]),
        new("b", [20], [0f, 1f]),
        new("c", [30, 31, 32, 33, 34], [1f, 1f]),
    ];

    private static long[] Row(Tensor t, int row) => t[row].data<long>().ToArray();

    [Fact]
    public void Right_padding_puts_real_tokens_first()
    {
        using var batch = new TokenCollator(PadId: 7).Collate(Stays);
        Assert.Equal([3L, 5L], batch.InputIds.shape);
        Assert.Equal(ScalarType.Int64, batch.InputIds.dtype);
        Assert.Equal([10L, 11, 12, 7, 7], Row(batch.InputIds, 0));
        Assert.Equal([20L, 7, 7, 7, 7], Row(batch.InputIds, 1));
        Assert.Equal([1L, 1, 1, 0, 0], Row(batch.AttentionMask, 0));
        Assert.Equal([0L, 1, 2, 0, 0], Row(batch.PositionIds, 0));
        Assert.Equal([0L, 1, 2, 3, 4], Row(batch.PositionIds, 2));
        Assert.Equal([3L, 2L], batch.Labels.shape);
        Assert.Equal(ScalarType.Float32, batch.Labels.dtype);
        Assert.Equal([1f, 0f, 0f, 1f, 1f, 1f], batch.Labels.data<float>().ToArray());
        Assert.Equal(["a", "b", "c"], batch.Names);
        Assert.Equal(9, batch.RealTokens);
    }

    [Fact]
    public void Left_padding_gives_real_tokens_the_same_positions_as_right_padding()
    {
        using var right = new TokenCollator(0, PaddingSide.Right).Collate(Stays);
        using var left = new TokenCollator(0, PaddingSide.Left).Collate(Stays);
        Assert.Equal([0L, 0, 10, 11, 12], Row(left.InputIds, 0));
        Assert.Equal([0L, 0, 0, 0, 1], Row(left.AttentionMask, 1));
        for (int row = 0; row < Stays.Length; row++)
        {
            var realRight = Real(right, row);
            var realLeft = Real(left, row);
            Assert.Equal(realRight, realLeft); // same (token, position) pairs
            Assert.Equal(Enumerable.Range(0, Stays[row].TokenIds.Length).Select(p => (long)p), realLeft.Select(x => x.Position));
        }
        Assert.Equal(0L, left.PositionIds.masked_select(left.AttentionMask.eq(0)).abs().sum().item<long>());
    }

    private static (long Token, long Position)[] Real(StayBatch batch, int row)
    {
        var ids = Row(batch.InputIds, row);
        var mask = Row(batch.AttentionMask, row);
        var pos = Row(batch.PositionIds, row);
        return [.. Enumerable.Range(0, ids.Length).Where(j => mask[j] == 1).Select(j => (ids[j], pos[j]))];
    }

    [Fact]
    public void Default_pad_is_end_of_text()
    {
        var tok = Llama3Tokenizer.Embedded;
        using var batch = TokenCollator.For(tok).Collate(Stays);
        Assert.Equal(tok.EndOfTextId, Row(batch.InputIds, 1)[^1]);
    }

    [Fact]
    public void Position_ids_count_real_tokens_for_any_mask()
    {
        using var mask = tensor(new long[] { 0, 1, 1, 0, 1, 1, 1, 0 }, [2, 4]);
        using var pos = TokenCollator.PositionIdsFromMask(mask);
        Assert.Equal([0L, 0, 1, 0, 0, 1, 2, 0], pos.data<long>().ToArray());
    }

    [Fact]
    public void Mixed_label_counts_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new TokenCollator(0).Collate([new("ihm", [1], [1f]), new("pheno", [1], new float[25])]));
        Assert.Contains("pheno", e.Message);
    }
}
