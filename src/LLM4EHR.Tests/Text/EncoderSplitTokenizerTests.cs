using LLM4EHR.Data;
using LLM4EHR.Text;
using static LLM4EHR.Tests.Text.TextTestData;

namespace LLM4EHR.Tests.Text;

/// <summary>The text pipeline with encoder tokenizers: framing ids, truncation budget, empty stays, the token cache key.</summary>
public sealed class EncoderSplitTokenizerTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly HfTokenizer _bert;

    public EncoderSplitTokenizerTests()
    {
        TinyTokenizerFiles.WriteWordPiece(_dir.File("bert"), ["patient", "stable"]);
        _bert = BertWordPiece.FromModelFolder(_dir.File("bert"));
    }

    public void Dispose() => _dir.Dispose();

    private static readonly IcuStay[] Stays =
    [
        Stay("1_episode1_timeseries.csv", ClinicalTask.Ihm, (1, "patient stable patient stable patient stable")),
        Stay("2_episode1_timeseries.csv", ClinicalTask.Ihm),
    ];

    private static readonly NoteSelectionSettings Settings = new() { Template = "{text}", MaxTokens = 5 };

    [Fact]
    public void Framed_stays_keep_cls_and_sep_within_max_tokens()
    {
        int cls = _bert.SequenceStart.Single(), sep = _bert.SequenceEnd.Single();
        int patient = _bert.Encode("patient").Single(), stable = _bert.Encode("stable").Single();
        var split = SplitTokenizer.Tokenize(Stays, _bert, Settings);
        Assert.Equal([cls, patient, stable, patient, sep], split.Stays[0].TokenIds); // 5 = [CLS] + 3 + [SEP]
        Assert.Equal([cls, sep], split.Stays[1].TokenIds);                             // no notes: the frame alone
        Assert.Equal(1, split.Summary.TruncatedStays);

        var keepEnd = SplitTokenizer.Tokenize(Stays, _bert, Settings with { Truncation = TruncationSide.KeepEnd });
        Assert.Equal([cls, stable, patient, stable, sep], keepEnd.Stays[0].TokenIds);
    }

    [Fact]
    public void Unframed_stays_are_text_tokens_only_and_use_the_whole_budget()
    {
        var bare = new UnframedTokenizer(_bert);
        int patient = _bert.Encode("patient").Single(), stable = _bert.Encode("stable").Single();
        var split = SplitTokenizer.Tokenize(Stays, bare, Settings);
        Assert.Equal([patient, stable, patient, stable, patient], split.Stays[0].TokenIds);
        Assert.Empty(split.Stays[1].TokenIds);
    }

    [Fact]
    public void A_budget_smaller_than_the_frame_is_bad_input()
    {
        var e = Assert.Throws<BadInputException>(() => SplitTokenizer.Tokenize(Stays, _bert, Settings with { MaxTokens = 1 }));
        Assert.Contains("text.max_tokens", e.Message);
    }

    [Fact]
    public void The_token_cache_keeps_llama_bert_and_unframed_bert_apart()
    {
        string data = _dir.File("train_p2x_data.pkl");
        File.WriteAllText(data, "stand-in for a pickle");
        var cache = new TokenizedSplitCache(_dir.File("cache"));
        var keys = new ITextTokenizer[] { Llama3Tokenizer.Embedded, _bert, new UnframedTokenizer(_bert) }
            .Select(t => Convert.ToHexString(cache.Entry(data, t, Settings).Key)).ToList();
        Assert.Equal(3, keys.Distinct().Count());

        int loads = 0;
        var first = cache.GetOrCreate(data, _bert, Settings, () => { loads++; return Stays; });
        var second = cache.GetOrCreate(data, _bert, Settings, () => { loads++; return Stays; });
        var bare = cache.GetOrCreate(data, new UnframedTokenizer(_bert), Settings, () => { loads++; return Stays; });
        Assert.Equal((CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Miss, 2), (first.Outcome, second.Outcome, bare.Outcome, loads));
        Assert.Equal(first.Split.Stays[0].TokenIds, second.Split.Stays[0].TokenIds);
    }

    [Fact]
    public void The_collator_pads_with_the_tokenizer_pad_id()
    {
        Assert.Equal(0, LLM4EHR.Text.TokenCollator.For(_bert).PadId);                        // [PAD]
        Assert.Equal(Llama3Tokenizer.Embedded.EndOfTextId, LLM4EHR.Text.TokenCollator.For(Llama3Tokenizer.Embedded).PadId);
    }
}
