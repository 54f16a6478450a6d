using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, V vocabulary.

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// HF <c>BertEmbeddings</c> and its Longformer/BigBird twins: word + token-type + absolute position embeddings, then
/// LayerNorm and dropout. The families differ only in details this module takes from the config: BigBird optionally
/// scales word embeddings by sqrt(H) and applies dropout before the LayerNorm (BERT after); the position ids are
/// chosen by the model (0..T-1 for BERT/BigBird, RoBERTa-style from the pad id for Longformer).
/// </summary>
public sealed class EncoderEmbeddings : nn.Module
{
    [ComponentName(Name = "word_embeddings")] internal readonly Embedding Word;
    [ComponentName(Name = "position_embeddings")] internal readonly Embedding Position;
    [ComponentName(Name = "token_type_embeddings")] internal readonly Embedding TokenType;
    [ComponentName(Name = "LayerNorm")] internal readonly LayerNorm Norm;

    private readonly double _dropout;
    private readonly double _wordScale;
    private readonly bool _dropoutBeforeNorm;

    public EncoderEmbeddings(EncoderConfig c, ScalarType dtype) : base("EncoderEmbeddings")
    {
        Word = nn.Embedding(c.VocabSize, c.HiddenSize, dtype: dtype);
        Position = nn.Embedding(c.MaxPositionEmbeddings, c.HiddenSize, dtype: dtype);
        TokenType = nn.Embedding(c.TypeVocabSize, c.HiddenSize, dtype: dtype);
        Norm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps, dtype: dtype);
        _dropout = c.HiddenDropoutProb;
        bool bigBird = c.Family == EncoderFamily.BigBird;
        _wordScale = bigBird && c.RescaleEmbeddings ? Math.Sqrt(c.HiddenSize) : 1.0;
        _dropoutBeforeNorm = bigBird;
        RegisterComponents();
    }

    /// <summary>Rows of the position table: the largest position id + 1 a sequence may use.</summary>
    public long MaxPositions => Position.weight!.shape[0];

    /// <summary>ids, token types and position ids [B, T] (int64) → embeddings [B, T, H].</summary>
    public Tensor Forward(Tensor inputIds, Tensor tokenTypeIds, Tensor positionIds)
    {
        using var scope = NewDisposeScope();
        var words = Word.call(inputIds);                                               // [B, T, H]
        if (_wordScale != 1.0)
            words = words * _wordScale;
        var sum = words + TokenType.call(tokenTypeIds) + Position.call(positionIds);   // [B, T, H]
        var h = _dropoutBeforeNorm
            ? Norm.call(CounterDropout.Apply(sum, _dropout, training))
            : CounterDropout.Apply(Norm.call(sum), _dropout, training);
        return h.MoveToOuterDisposeScope();
    }
}
