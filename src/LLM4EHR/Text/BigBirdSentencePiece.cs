using Microsoft.ML.Tokenizers;

namespace LLM4EHR.Text;

/// <summary>
/// BigBird's SentencePiece tokenizer (google/bigbird-roberta-base, yikuan8/Clinical-BigBird ship <c>spiece.model</c>)
/// from a Hugging Face folder → <c>[CLS] … [SEP]</c>, pad &lt;pad&gt;, as HF's <c>BigBirdTokenizer</c>. Unigram and BPE
/// models are encoded by Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/>; the special ids come from the
/// model's own piece list (<see cref="SentencePieceModelFile"/>), control pieces included.
/// </summary>
/// <remarks>
/// Not matched exactly: a model's precompiled normalization map (sentencepiece's <c>nmt_nfkc</c> charsmap), which
/// Microsoft.ML.Tokenizers 2.0.1 does not apply. For a model whose normalizer is an NFKC one, text is NFKC-normalized
/// here instead, which agrees with the charsmap on letters, digits, punctuation and whitespace (the charsmap also folds
/// a few control characters). A model with the <c>identity</c> normalizer (the tiny demo's) is encoded as it is.
/// </remarks>
public static class BigBirdSentencePiece
{
    public const string ModelFileName = "spiece.model";
    public const string Kind = "sentencepiece";

    /// <summary>Loads <c>spiece.model</c> and <c>tokenizer_config.json</c> of <paramref name="dir"/>.</summary>
    public static HfTokenizer FromModelFolder(string dir)
    {
        string path = HfTokenizer.RequireFile(dir, ModelFileName, "a SentencePiece model is required");
        var config = HfTokenizerConfig.Read(dir);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new BadInputException($"{path}: cannot read: {e.Message}", e);
        }
        var model = SentencePieceModelFile.Parse(bytes, path);
        if (model.Model is not (SentencePieceModelFile.ModelKind.Unigram or SentencePieceModelFile.ModelKind.Bpe))
            throw new BadInputException($"{path}: SentencePiece model type {model.Model} is not supported (unigram or BPE)");
        SentencePieceTokenizer inner;
        try
        {
            inner = SentencePieceTokenizer.Create(new MemoryStream(bytes, writable: false), false, false); // no BOS, no EOS: the framing ids are ours
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new BadInputException($"{path}: cannot load SentencePiece model: {e.Message}", e);
        }
        var ids = model.Ids();
        int cls = HfTokenizer.RequireId(ids, config.Token("cls_token", "[CLS]"), "cls", path);
        int sep = HfTokenizer.RequireId(ids, config.Token("sep_token", "[SEP]"), "sep", path);
        int pad = HfTokenizer.RequireId(ids, config.Token("pad_token", "<pad>"), "pad", path);
        bool nfkc = model.Normalizer.Contains("nfkc", StringComparison.OrdinalIgnoreCase);
        return new HfTokenizer(Kind, inner, model.Pieces.Count, pad, [cls], [sep], [path, .. config.Files], $"normalizer={model.Normalizer}",
            nfkc ? t => t.Normalize(System.Text.NormalizationForm.FormKC) : null);
    }
}
