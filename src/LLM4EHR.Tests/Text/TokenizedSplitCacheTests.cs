using LLM4EHR.Data;
using LLM4EHR.Text;
using static LLM4EHR.Tests.Text.TextTestData;

namespace LLM4EHR.Tests.Text;

public sealed class TokenizedSplitCacheTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly string _data;
    private readonly TokenizedSplitCache _cache;
    private readonly NoteSelectionSettings _settings = new();
    private int _loads;

    public TokenizedSplitCacheTests()
    {
        _data = _dir.File("train_p2x_data.pkl");
        File.WriteAllText(_data, "stand-in for a pickle: the cache keys on its path, size and time");
        _cache = new TokenizedSplitCache(_dir.File("cache"));
    }

    public void Dispose() => _dir.Dispose();

    private static readonly IcuStay[] Stays =
    [
        Stay("10_episode1_timeseries.csv", ClinicalTask.Pheno, [.. Enumerable.Range(0, 25).Select(i => i % 3 == 0 ? 1 : 0)],
            (2, "résumé: pt admitted"), (1, LongText(200))),
        Stay("11_episode1_timeseries.csv", ClinicalTask.Pheno),
        Stay("12_episode2_timeseries.csv", ClinicalTask.Pheno, (5, "stable")),
    ];

    private CachedSplit Get(NoteSelectionSettings? settings = null, Llama3Tokenizer? tok = null) =>
        _cache.GetOrCreate(_data, tok ?? Llama3Tokenizer.Embedded, settings ?? _settings, () => { _loads++; return Stays; });

    private static void AssertSame(TokenizedSplit expected, TokenizedSplit actual)
    {
        Assert.Equal(expected.Summary, actual.Summary);
        Assert.Equal(expected.Stays.Count, actual.Stays.Count);
        for (int i = 0; i < expected.Stays.Count; i++)
        {
            Assert.Equal(expected.Stays[i].Name, actual.Stays[i].Name);
            Assert.Equal(expected.Stays[i].TokenIds, actual.Stays[i].TokenIds);
            Assert.Equal(expected.Stays[i].Labels, actual.Stays[i].Labels);
        }
    }

    private string[] CacheFiles() => Directory.GetFiles(_cache.Directory);

    [Fact]
    public void First_call_misses_and_writes_then_hits_without_loading_stays()
    {
        var first = Get();
        Assert.Equal(CacheOutcome.Miss, first.Outcome);
        Assert.Equal([first.CachePath], CacheFiles()); // no temp file left
        var second = Get();
        Assert.Equal(CacheOutcome.Hit, second.Outcome);
        Assert.Equal(1, _loads);
        AssertSame(first.Split, second.Split);
        AssertSame(SplitTokenizer.Tokenize(Stays, Llama3Tokenizer.Embedded, _settings), second.Split);
    }

    [Fact]
    public void Any_setting_change_misses()
    {
        Get();
        Assert.Equal(CacheOutcome.Miss, Get(_settings with { MaxNotes = 1 }).Outcome);
        Assert.Equal(CacheOutcome.Miss, Get(_settings with { Separator = "\n\n" }).Outcome);
        Assert.Equal(CacheOutcome.Miss, Get(_settings with { Truncation = TruncationSide.KeepEnd }).Outcome);
        Assert.Equal(CacheOutcome.Hit, Get(_settings with { }).Outcome);
        Assert.Equal(4, CacheFiles().Length);
    }

    [Fact]
    public void Another_tokenizer_misses()
    {
        Get();
        var rankFile = _dir.File("tiny.model");
        RankFiles.WriteTiny(rankFile, "ab");
        var other = Get(tok: Llama3Tokenizer.FromRankFile(rankFile));
        Assert.Equal(CacheOutcome.Miss, other.Outcome);
        Assert.Equal(256 + 1, other.Split.Stays[1].TokenIds.Single()); // its own BOS
    }

    [Fact]
    public void A_changed_data_file_misses_and_replaces_the_old_entry()
    {
        var old = Get();
        File.SetLastWriteTimeUtc(_data, File.GetLastWriteTimeUtc(_data).AddMinutes(5));
        var fresh = Get();
        Assert.Equal(CacheOutcome.Miss, fresh.Outcome);
        Assert.NotEqual(old.CachePath, fresh.CachePath);
        Assert.Equal([fresh.CachePath], CacheFiles());
        File.AppendAllText(_data, "more");
        Assert.Equal(CacheOutcome.Miss, Get().Outcome);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    public void A_corrupt_entry_is_rebuilt_not_trusted(string damage)
    {
        var good = Get();
        var bytes = File.ReadAllBytes(good.CachePath);
        bytes = damage switch
        {
            "flip" => Flip(bytes, bytes.Length / 2),
            "truncate" => bytes[..(bytes.Length - 40)],
            _ => [],
        };
        File.WriteAllBytes(good.CachePath, bytes);

        var rebuilt = Get();
        Assert.Equal(CacheOutcome.Rebuilt, rebuilt.Outcome);
        Assert.Equal(2, _loads);
        AssertSame(good.Split, rebuilt.Split);
        Assert.Equal(CacheOutcome.Hit, Get().Outcome);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x10;
        return bytes;
    }

    [Fact]
    public void Missing_data_file_is_a_bad_input()
    {
        var e = Assert.Throws<BadInputException>(() =>
            _cache.GetOrCreate(_dir.File("nope.pkl"), Llama3Tokenizer.Embedded, _settings, () => Stays));
        Assert.Contains("nope.pkl", e.Message);
    }
}
