using System.Text.Json;
using LLM4EHR.Tests.Support;
using LLM4EHR.Text;

namespace LLM4EHR.Tests.Text;

/// <summary>BERT WordPiece against Hugging Face BertTokenizer's ids (tokens.json of each bert-parity case).</summary>
public class BertTokenizerParityTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("bert-parity");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Ids_match_hugging_face(FixtureCase c)
    {
        var tokenizer = BertWordPiece.FromModelFolder(c.Dir);
        using var doc = JsonDocument.Parse(File.ReadAllText(c.File("tokens.json")));
        var texts = doc.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToList();
        var expected = doc.RootElement.GetProperty("ids").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();
        Assert.Equal(texts.Count, expected.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            int[] ours = [.. tokenizer.SequenceStart, .. tokenizer.Encode(texts[i]), .. tokenizer.SequenceEnd];
            Assert.True(expected[i].SequenceEqual(ours),
                $"{c}: text {i} {JsonSerializer.Serialize(texts[i])}: HF [{string.Join(',', expected[i])}], ours [{string.Join(',', ours)}]");
        }
    }

    [Fact]
    public void Symbols_and_control_whitespace_follow_hugging_face_not_the_library_default()
    {
        // Hand-computed with the tiny-2layer vocabulary (a=56, b=69, c=64, [UNK]=2, mg=21, q=79, -=49):
        // HF splits every non-alphanumeric ASCII character off as its own word ('>' is not in the vocabulary: [UNK]),
        // and tab/newline separate words. Microsoft.ML.Tokenizers' BertTokenizer 2.0.1 drops '>' and glues "mg\tq".
        var tokenizer = BertWordPiece.FromModelFolder(Path.Combine(FixtureRoot.Path, "bert-parity", "tiny-2layer"));
        Assert.Equal([56, 2, 69, 64], tokenizer.Encode("a > b\tc"));
        Assert.Equal([21, 79], tokenizer.Encode("mg\nq"));
        Assert.Equal([56, 49, 2, 69], tokenizer.Encode("A->B"));
        Assert.Equal(3, tokenizer.SequenceStart.Single()); // [CLS]
        Assert.Equal(4, tokenizer.SequenceEnd.Single());   // [SEP]
        Assert.Equal(0, tokenizer.PadId);                  // [PAD]
        Assert.Equal(129, tokenizer.VocabSize);
    }

    [Fact]
    public void Cased_vocabulary_keeps_case_and_accents()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "Café", "café", "cafe"]);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": false}""");
        var cased = BertWordPiece.FromModelFolder(dir.Path);
        Assert.Equal([4, 5], cased.Encode("Café café"));

        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": true}""");
        var lower = BertWordPiece.FromModelFolder(dir.Path);
        Assert.Equal([6, 6], lower.Encode("Café café"));
        Assert.NotEqual(cased.Identity, lower.Identity);
    }
}
