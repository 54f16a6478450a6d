using LLM4EHR.Text;

namespace LLM4EHR.Tests.Text;

/// <summary>
/// RoBERTa byte-level BPE and SentencePiece loading on small vocabularies written by <see cref="TinyTokenizerFiles"/>,
/// with ids worked out by hand from how those files are laid out (the layout is documented on each writer).
/// </summary>
public class EncoderTokenizerTests
{
    [Fact]
    public void Byte_bpe_merges_whole_words_and_falls_back_to_bytes()
    {
        using var dir = new TempFolder();
        int size = TinyTokenizerFiles.WriteByteBpe(dir.Path, ["pat", "patient"]);
        // 0-3 specials, 4 + b for byte b, then merges: spaced "Ġp" 260, "Ġpa" 261, "Ġpat" 262, "Ġpati" 263 … "Ġpatient" 266,
        // unspaced "pa" 267, "pat" 268, "pati" 269 … "patient" 272.
        Assert.Equal(273, size);
        var tok = RobertaBpe.FromModelFolder(dir.Path);
        Assert.Equal(273, tok.VocabSize);
        Assert.Equal([272, 262], tok.Encode("patient pat"));
        Assert.Equal([268, 266], tok.Encode("pat patient"));
        Assert.Equal([4 + 'x', 262], tok.Encode("x pat"));
        Assert.Equal([4 + 0xC3, 4 + 0xA9], tok.Encode("é"));          // UTF-8 bytes C3 A9, one symbol each
        Assert.Equal([268, 4 + '\n', 4 + '\n', 268], tok.Encode("pat\n\npat"));
        Assert.Equal([0], tok.SequenceStart);                          // <s>
        Assert.Equal([2], tok.SequenceEnd);                            // </s>
        Assert.Equal(1, tok.PadId);                                    // <pad>
        Assert.Equal("patient pat", tok.Decode(tok.Encode("patient pat")));
    }

    [Fact]
    public void Byte_bpe_add_prefix_space_makes_the_first_word_spaced()
    {
        using var dir = new TempFolder();
        TinyTokenizerFiles.WriteByteBpe(dir.Path, ["pat", "patient"]);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"add_prefix_space": true}""");
        var tok = RobertaBpe.FromModelFolder(dir.Path);
        Assert.Equal([266, 262], tok.Encode("patient pat"));
    }

    [Fact]
    public void Sentencepiece_unigram_prefers_whole_words_and_marks_unknown_characters()
    {
        using var dir = new TempFolder();
        int size = TinyTokenizerFiles.WriteSentencePiece(dir.Path, ["pat", "patient"]);
        // 0 <pad>, 1 </s>, 2 <s>, 3 <unk>, 4 [CLS], 5 [SEP], 6 [MASK], 7 ▁pat, 8 ▁patient, 9 ▁, then '!'..'~' from 10.
        Assert.Equal(10 + 94, size);
        var tok = BigBirdSentencePiece.FromModelFolder(dir.Path);
        Assert.Equal(size, tok.VocabSize);
        Assert.Equal([8, 7], tok.Encode("patient pat"));
        Assert.Equal([8, 7], tok.Encode("  patient   pat "));            // extra whitespace collapses
        Assert.Equal([9, 10 + 'p' - 33, 10 + 't' - 33], tok.Encode("pt")); // no word piece: ▁ p t
        Assert.Equal([7, 10 + 'x' - 33], tok.Encode("patx"));
        Assert.Equal([4], tok.SequenceStart);                              // [CLS], a control piece
        Assert.Equal([5], tok.SequenceEnd);                                // [SEP]
        Assert.Equal(0, tok.PadId);                                        // <pad>
    }

    [Fact]
    public void Sentencepiece_model_file_round_trips()
    {
        var model = new SentencePieceModelFile(
            [new("<unk>", 0, SentencePieceModelFile.PieceType.Unknown), new("[CLS]", 0, SentencePieceModelFile.PieceType.Control),
             new("\u2581a", -1.5f, SentencePieceModelFile.PieceType.Normal)],
            SentencePieceModelFile.ModelKind.Bpe, UnkId: 0, BosId: -1, EosId: -1, PadId: -1, Normalizer: "nmt_nfkc");
        var back = SentencePieceModelFile.Parse(model.ToBytes(), "test.model");
        Assert.Equal(model.Pieces, back.Pieces);
        Assert.Equal((model.Model, model.UnkId, model.BosId, model.EosId, model.PadId, model.Normalizer),
            (back.Model, back.UnkId, back.BosId, back.EosId, back.PadId, back.Normalizer));
        Assert.Equal(1, back.Ids()["[CLS]"]);
    }

    [Fact]
    public void Folder_detection_picks_the_format_present()
    {
        using var bert = new TempFolder();
        using var bpe = new TempFolder();
        using var sp = new TempFolder();
        TinyTokenizerFiles.WriteWordPiece(bert.Path, ["pat"]);
        TinyTokenizerFiles.WriteByteBpe(bpe.Path, ["pat"]);
        TinyTokenizerFiles.WriteSentencePiece(sp.Path, ["pat"]);
        Assert.Equal(BertWordPiece.Kind, TextTokenizers.EncoderFromModelFolder(bert.Path).Kind);
        Assert.Equal(RobertaBpe.Kind, TextTokenizers.EncoderFromModelFolder(bpe.Path).Kind);
        Assert.Equal(BigBirdSentencePiece.Kind, TextTokenizers.EncoderFromModelFolder(sp.Path).Kind);
        var identities = new[] { bert, bpe, sp }.Select(d => TextTokenizers.EncoderFromModelFolder(d.Path).Identity).ToHashSet();
        Assert.Equal(3, identities.Count);
    }

    [Fact]
    public void A_bare_model_folder_gets_the_llama_ranks_or_the_encoder_vocabulary_it_holds()
    {
        using var llama = new TempFolder();
        using var bert = new TempFolder();
        using var none = new TempFolder();
        Llama3Tokenizer.WriteEmbeddedTokenizerFiles(llama.Path);
        TinyTokenizerFiles.WriteWordPiece(bert.Path, ["pat"]);

        Assert.IsType<Llama3Tokenizer>(TextTokenizers.FromModelFolder(llama.Path));
        Assert.Equal(BertWordPiece.Kind, Assert.IsAssignableFrom<HfTokenizer>(TextTokenizers.FromModelFolder(bert.Path)).Kind);
        var e = Assert.Throws<BadInputException>(() => TextTokenizers.FromModelFolder(none.Path));
        Assert.StartsWith($"{none.Path}: no tokenizer (expected spiece.model", e.Message);
    }

    [Fact]
    public void Tiny_wordpiece_vocabulary_covers_the_synthetic_words()
    {
        using var dir = new TempFolder();
        TinyTokenizerFiles.WriteWordPiece(dir.Path, ["neuro", "hypotension", "dnr"]);
        var tok = BertWordPiece.FromModelFolder(dir.Path);
        var ids = tok.Encode("Neuro : worsening hypotension , DNR .");
        Assert.DoesNotContain(1, ids); // [UNK]: unseen words fall back to ##characters
        // neuro : w ##o ##r ##s ##e ##n ##i ##n ##g hypotension , dnr .
        Assert.Equal(15, ids.Length);
        Assert.Equal("neuro : worsening hypotension, dnr.", tok.Decode(ids));
    }

    [Fact]
    public void Unframed_tokenizer_has_no_framing_ids_and_its_own_identity()
    {
        using var dir = new TempFolder();
        TinyTokenizerFiles.WriteWordPiece(dir.Path, ["pat"]);
        var framed = BertWordPiece.FromModelFolder(dir.Path);
        var bare = new UnframedTokenizer(framed);
        Assert.Empty(bare.SequenceStart);
        Assert.Empty(bare.SequenceEnd);
        Assert.Equal(framed.Encode("pat pat"), bare.Encode("pat pat"));
        Assert.NotEqual(framed.Identity, bare.Identity);
    }

    [Fact]
    public void Bad_folders_name_the_file_and_what_is_wrong()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<BadInputException>(() => TextTokenizers.EncoderFromModelFolder(dir.Path));
        Assert.Contains("vocab.txt", e.Message);
        Assert.Contains("spiece.model", e.Message);

        e = Assert.Throws<BadInputException>(() => TextTokenizers.EncoderFromModelFolder("/nonexistent/encoder"));
        Assert.Contains("/nonexistent/encoder", e.Message);

        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[SEP]", "a"]);
        e = Assert.Throws<BadInputException>(() => BertWordPiece.FromModelFolder(dir.Path));
        Assert.Contains(dir.File("vocab.txt"), e.Message);
        Assert.Contains("[CLS]", e.Message);

        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]);
        File.WriteAllText(dir.File("tokenizer_config.json"), "{ not json");
        e = Assert.Throws<BadInputException>(() => BertWordPiece.FromModelFolder(dir.Path));
        Assert.Contains("tokenizer_config.json", e.Message);

        using var bpe = new TempFolder();
        File.WriteAllText(bpe.File("vocab.json"), """{"<s>": 0}""");
        e = Assert.Throws<BadInputException>(() => RobertaBpe.FromModelFolder(bpe.Path));
        Assert.Contains("merges.txt", e.Message);
        File.WriteAllText(bpe.File("vocab.json"), "[1, 2]");
        File.WriteAllText(bpe.File("merges.txt"), "#version: 0.2\n");
        e = Assert.Throws<BadInputException>(() => RobertaBpe.FromModelFolder(bpe.Path));
        Assert.Contains("vocab.json", e.Message);

        using var sp = new TempFolder();
        File.WriteAllBytes(sp.File("spiece.model"), [0xFF, 0xFF, 0xFF, 0x01]);
        e = Assert.Throws<BadInputException>(() => BigBirdSentencePiece.FromModelFolder(sp.Path));
        Assert.Contains("spiece.model", e.Message);
        foreach (var m in new[] { e.Message })
            Assert.DoesNotContain('\n', m);
    }
}
