using LLM4EHR.Models;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.Belt;
using LLM4EHR.Tests.Support;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>BELT's chunking (upstream split_overlapping + [CLS]/[SEP] wrapping) against hand-computed chunks.</summary>
public class BeltChunkingTests
{
    [Fact]
    public void Upstream_defaults_start_a_chunk_every_170_tokens_and_drop_short_tails()
    {
        var belt = new BeltChunking(); // 510 / 170 / 170
        Assert.Empty(belt.Spans(0));
        Assert.Equal([(0, 100)], belt.Spans(100));                             // one chunk is kept however short
        Assert.Equal([(0, 171)], belt.Spans(171));                             // (170, 1) is too short
        Assert.Equal([(0, 510), (170, 340), (340, 170)], belt.Spans(510));      // 170 tokens is long enough
        Assert.Equal([(0, 510), (170, 430), (340, 260)], belt.Spans(600));      // (510, 90) dropped
        Assert.Equal(35, belt.Spans(6000).Count);                               // starts 0 … 5780; 5950 (50 tokens) dropped
        Assert.Equal((5780, 220), belt.Spans(6000)[^1]);
    }

    [Fact]
    public void Chunks_are_wrapped_padded_and_counted_per_stay()
    {
        var belt = new BeltChunking(ChunkSize: 4, Stride: 2, MinChunkTokens: 2);
        const long cls = 2, sep = 3, pad = 0;
        long[] ids =
        [
            10, 11, 12, 13, 14,   // 5 tokens: spans (0,4) (2,3); (4,1) dropped
            0, 0, 20, 21, 0,      // left and right padding around 2 tokens: one chunk
            0, 0, 0, 0, 0,        // no tokens: [CLS] [SEP]
        ];
        long[] mask = [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0];
        var chunks = belt.Chunk(ids, mask, batch: 3, length: 5, cls, sep, pad);
        Assert.Equal([2, 1, 1], chunks.PerStay);
        Assert.Equal(4, chunks.Count);
        Assert.Equal(6, chunks.Width);
        Assert.Equal(
        [
            2, 10, 11, 12, 13, 3,
            2, 12, 13, 14, 3, 0,
            2, 20, 21, 3, 0, 0,
            2, 3, 0, 0, 0, 0,
        ], chunks.Ids);
        Assert.Equal(
        [
            1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 0,
            1, 1, 1, 1, 0, 0,
            1, 1, 0, 0, 0, 0,
        ], chunks.Mask);
    }

    [Fact]
    public void Settings_outside_upstream_rules_name_the_key()
    {
        Assert.Equal("stride", new BeltChunking(10, 11, 5).Problem()?.Key);
        Assert.Equal("stride", new BeltChunking(10, 0, 5).Problem()?.Key);
        Assert.Equal("min_chunk_tokens", new BeltChunking(10, 5, 11).Problem()?.Key);
        Assert.Equal("chunk_size", new BeltChunking(0, 1, 1).Problem()?.Key);
        Assert.Null(new BeltChunking().Problem());
    }

    [Theory]
    [InlineData(ChunkRepresentation.Cls)]
    [InlineData(ChunkRepresentation.Mean)]
    public void Backbone_returns_one_vector_per_chunk_equal_to_encoding_the_chunk_alone(ChunkRepresentation representation)
    {
        using var scope = NewDisposeScope();
        string dir = Path.Combine(FixtureRoot.Path, "bert-parity", "tiny-2layer");
        using var backbone = new BeltBackbone(EncoderLoader.Load(dir), new BeltChunking(8, 4, 2), representation,
            chunkBatch: 2, cls: 3, sep: 4, pad: 0);
        backbone.Module.eval();
        // Stay 0: 13 tokens → spans (0,8) (4,8) (8,5) (12,1 dropped); stay 1: 3 tokens, right-padded → one chunk.
        long[] stay0 = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
        long[] stay1 = [20, 21, 22];
        var ids = tensor(stay0.Concat(stay1).Concat(Enumerable.Repeat(0L, 10)).ToArray(), [2, 13]);
        var mask = tensor(Enumerable.Repeat(1L, 16).Concat(Enumerable.Repeat(0L, 10)).ToArray(), [2, 13]);
        using var batch = new StayBatch(ids, mask, zeros(2, 13, ScalarType.Int64), zeros(2, 1), ["a", "b"]);

        Tensor vectors, chunkMask;
        using (no_grad())
            (vectors, chunkMask) = backbone.Encode(batch);
        Assert.Equal([2L, 3, 64], vectors.shape);
        Assert.Equal([1L, 1, 1, 1, 0, 0], chunkMask.data<long>().ToArray());

        long[][] expectedChunks = [[3, .. stay0[0..8], 4], [3, .. stay0[4..12], 4], [3, .. stay0[8..13], 4], [3, .. stay1, 4]];
        (int Row, int Slot)[] where = [(0, 0), (0, 1), (0, 2), (1, 0)];
        for (int i = 0; i < expectedChunks.Length; i++)
        {
            using var alone = tensor(expectedChunks[i], [1, expectedChunks[i].Length]);
            Tensor hidden;
            using (no_grad())
                hidden = backbone.Encoder.Forward(alone);                                   // [1, W, H]
            var expected = representation == ChunkRepresentation.Cls ? hidden[0, 0] : hidden[0].mean([0]);
            var actual = vectors[where[i].Row, where[i].Slot];
            Assert.True(TensorAssert.MaxDiff(expected, actual) < 1e-5, $"chunk {i}: differs by {TensorAssert.MaxDiff(expected, actual):g3}");
        }
        Assert.Equal(0.0, vectors[1, 1].abs().sum().item<float>()); // empty slots are zero (masked out of pooling)
    }

    [Fact]
    public void Chunk_size_beyond_the_encoder_positions_is_bad_input()
    {
        string dir = Path.Combine(FixtureRoot.Path, "bert-parity", "tiny-2layer");
        using var encoder = EncoderLoader.Load(dir); // max_position_embeddings 64
        var e = Assert.Throws<BadInputException>(() => new BeltBackbone(encoder, new BeltChunking(63, 21, 21), ChunkRepresentation.Cls, 4, 3, 4, 0));
        Assert.Contains("chunk_size", e.Message);
        Assert.Contains("64", e.Message);
    }
}
