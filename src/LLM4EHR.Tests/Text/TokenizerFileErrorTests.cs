using LLM4EHR.Text;

namespace LLM4EHR.Tests.Text;

public class TokenizerFileErrorTests
{
    private static BadInputException LoadFails(string modelDir)
    {
        var e = Assert.Throws<BadInputException>(() => Llama3Tokenizer.FromModelFolder(modelDir));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static BadInputException LoadFails(TempFolder dir, string content)
    {
        File.WriteAllText(dir.File("tokenizer.model"), content);
        var e = LoadFails(dir.Path);
        Assert.Contains(dir.File("tokenizer.model"), e.Message);
        return e;
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        var e = LoadFails("/nonexistent/llama3");
        Assert.Contains("/nonexistent/llama3", e.Message);
    }

    [Fact]
    public void Folder_without_a_rank_file_names_the_file_it_needs()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("tokenizer.json"), "{}");
        var e = LoadFails(dir.Path);
        Assert.Contains("tokenizer.model", e.Message);
        Assert.Contains(dir.Path, e.Message);
    }

    [Fact]
    public void Malformed_line_is_named_with_its_number()
    {
        using var dir = new TempFolder();
        var lines = RankFiles.Tiny().Split('\n').ToList();
        lines[2] = "this-is-not-a-rank-line";
        var e = LoadFails(dir, string.Join('\n', lines));
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Non_base64_token_is_rejected()
    {
        using var dir = new TempFolder();
        var e = LoadFails(dir, RankFiles.Tiny() + "@@notbase64@@ 256\n");
        Assert.Contains("line 257", e.Message);
        Assert.Contains("base64", e.Message);
    }

    [Fact]
    public void Binary_file_is_rejected()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("tokenizer.model"), [0x0a, 0x80, 0xff, 0xfe, 0x00, 0x12]);
        var e = LoadFails(dir.Path);
        Assert.Contains(dir.File("tokenizer.model"), e.Message);
    }

    [Theory]
    [InlineData("duplicate rank", "YWI= 255\n", "rank 255 appears twice")]
    [InlineData("gap in ranks", "YWI= 300\n", "rank 300 out of range")]
    [InlineData("duplicate token", "QQ== 256\n", "appears twice")]
    public void Inconsistent_ranks_are_rejected(string what, string extra, string expected)
    {
        using var dir = new TempFolder();
        var e = LoadFails(dir, RankFiles.Tiny() + extra);
        Assert.True(e.Message.Contains(expected), $"{what}: {e.Message}");
    }

    [Fact]
    public void Empty_file_is_rejected()
    {
        using var dir = new TempFolder();
        var e = LoadFails(dir, "\n\n");
        Assert.Contains("no ranks", e.Message);
    }
}
