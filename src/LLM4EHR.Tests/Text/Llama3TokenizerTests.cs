using CsCheck;
using LLM4EHR.Text;

namespace LLM4EHR.Tests.Text;

public class Llama3TokenizerTests
{
    private static Llama3Tokenizer Tok => Llama3Tokenizer.Embedded;

    [Fact]
    public void Embedded_cl100k_gives_the_known_ids()
    {
        Assert.Equal([9906, 1917], Tok.Encode("Hello world"));
        Assert.Equal([15339, 1917], Tok.Encode("hello world"));
        Assert.Equal(100256, Tok.BaseVocabSize);
        Assert.Equal(100256 + 256, Tok.VocabSize);
    }

    [Fact]
    public void Special_tokens_follow_the_base_vocabulary()
    {
        Assert.Equal(100256, Tok.BeginOfTextId);
        Assert.Equal(100257, Tok.EndOfTextId);
        Assert.Equal(100256 + 9, Tok.EndOfTurnId);
        Assert.Equal(100256 + 6, Tok.SpecialTokens["<|start_header_id|>"]);
        Assert.Equal(100256 + 255, Tok.SpecialTokens["<|reserved_special_token_250|>"]);
        Assert.Equal("<|begin_of_text|>", Tok.Decode([Tok.BeginOfTextId]));
    }

    [Fact]
    public void Llama3_special_ids_match_meta_numbering()
    {
        var ids = Llama3SpecialTokens.For(128000);
        Assert.Equal(256, ids.Count);
        Assert.Equal(256, ids.Values.Distinct().Count());
        Assert.Equal(128000, ids["<|begin_of_text|>"]);
        Assert.Equal(128001, ids["<|end_of_text|>"]);
        for (int i = 0; i <= 3; i++)
            Assert.Equal(128002 + i, ids[$"<|reserved_special_token_{i}|>"]);
        Assert.Equal(128006, ids["<|start_header_id|>"]);
        Assert.Equal(128007, ids["<|end_header_id|>"]);
        Assert.Equal(128008, ids["<|reserved_special_token_4|>"]);
        Assert.Equal(128009, ids["<|eot_id|>"]);
        Assert.Equal(128010, ids["<|reserved_special_token_5|>"]);
        Assert.Equal(128255, ids["<|reserved_special_token_250|>"]);
        Assert.Equal(Enumerable.Range(128000, 256), ids.Values.Order());
    }

    [Fact]
    public void Special_token_text_inside_a_note_is_not_a_special_token()
    {
        var ids = Tok.Encode("pt stable <|eot_id|> <|begin_of_text|>");
        Assert.DoesNotContain(ids, id => id >= Tok.BaseVocabSize);
        Assert.Equal("pt stable <|eot_id|> <|begin_of_text|>", Tok.Decode(ids));
    }

    [Fact]
    public void Decode_inverts_encode()
    {
        foreach (var text in new[] { "", "Hello world", "bp 120/80, hr 98.\n\n### NOTE 1 ###\nt 38.5°C — résumé 🙂", "  \t\r\n  x" })
            Assert.Equal(text, Tok.Decode(Tok.Encode(text)));
        Gen.String[Gen.Char["abcxyz 0123456789.,:/\n\t'é°µ"], 0, 200]
            .Sample(text => Assert.Equal(text, Tok.Decode(Tok.Encode(text))), iter: 300);
    }

    [Fact]
    public void Encode_prefix_is_exactly_the_start_of_the_full_encoding()
    {
        // Includes a single 3000-letter pre-token (far more tokens than the internal slack) to hit the exact path.
        var rng = new Random(7);
        string word = new([.. Enumerable.Range(0, 3000).Select(_ => (char)('a' + rng.Next(26)))]);
        foreach (var text in new[] { TextTestData.LongText(400), "short " + word + " tail" })
        {
            var full = Tok.Encode(text);
            foreach (int max in new[] { 0, 1, 5, 37, 200, full.Length - 1, full.Length, full.Length + 10 })
            {
                var prefix = Tok.EncodePrefix(text, max, out bool truncated);
                Assert.Equal(full.Take(max), prefix);
                Assert.Equal(full.Length > max, truncated);
            }
        }
    }

    [Fact]
    public void Embedded_files_written_to_a_model_folder_load_with_the_same_identity()
    {
        using var dir = new TempFolder();
        var path = Llama3Tokenizer.WriteEmbeddedTokenizerFiles(dir.Path);
        Assert.Equal(dir.File("tokenizer.model"), path);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temp file left behind

        var firstLine = File.ReadLines(path).First();
        Assert.Equal("IQ== 0", firstLine); // rank 0 is "!": standard tiktoken "base64 rank" lines

        var loaded = Llama3Tokenizer.FromModelFolder(dir.Path);
        Assert.Equal(Tok.Identity, loaded.Identity);
        Assert.Equal(Tok.VocabSize, loaded.VocabSize);
        string text = TextTestData.LongText(100);
        Assert.Equal(Tok.Encode(text), loaded.Encode(text));
    }

    [Fact]
    public void A_llama3_style_rank_file_puts_specials_after_its_ranks()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("original"));
        RankFiles.WriteTiny(dir.File("original/tokenizer.model"), merges: ["ab", "abab"]);
        var tok = Llama3Tokenizer.FromModelFolder(dir.Path);

        Assert.Equal(258, tok.BaseVocabSize);
        Assert.Equal(258, tok.BeginOfTextId);
        Assert.Equal(258 + 256, tok.VocabSize);
        Assert.Equal([257, 256, 99], tok.Encode("ababab" + "c")); // "abab" then "ab": BPE by rank
        Assert.NotEqual(Tok.Identity, tok.Identity);
    }

    [Fact]
    public void Line_endings_do_not_change_the_identity()
    {
        using var dir = new TempFolder();
        RankFiles.WriteTiny(dir.File("lf.model"), merges: ["ab"]);
        File.WriteAllText(dir.File("crlf.model"), File.ReadAllText(dir.File("lf.model")).Replace("\n", "\r\n"));
        Assert.Equal(Llama3Tokenizer.FromRankFile(dir.File("lf.model")).Identity,
            Llama3Tokenizer.FromRankFile(dir.File("crlf.model")).Identity);
    }
}
