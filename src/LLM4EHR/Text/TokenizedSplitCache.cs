using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using LLM4EHR.Data;

namespace LLM4EHR.Text;

/// <summary>
/// Caches tokenized splits on disk so epochs and runs do not re-tokenize. An entry is keyed by
/// the tokenizer identity (<see cref="ITextTokenizer.Identity"/>: vocabulary, options, framing ids), every <see cref="NoteSelectionSettings"/> value, and the data
/// file identity (full path, size, last-write time): changing any of them misses. Entries are written atomically
/// and verified by hash on load; a corrupt entry is rebuilt. When a data file changes, the entry for its old
/// version (same file, tokenizer and settings) is deleted once the new one is written.
/// </summary>
public sealed class TokenizedSplitCache
{
    /// <summary>Where tokenized splits are cached: <c>$LLM4EHR_CACHE</c>, else <c>$XDG_CACHE_HOME/llm4ehr</c> or <c>~/.cache/llm4ehr</c>.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable("LLM4EHR_CACHE");
            if (string.IsNullOrWhiteSpace(root))
            {
                string xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? "";
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                root = Path.Combine(xdg.Length > 0 ? xdg : Path.Combine(home, ".cache"), "llm4ehr");
            }
            return Path.Combine(root, "tokenized");
        }
    }

    private const string Extension = ".l4tok";

    public TokenizedSplitCache(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>
    /// The tokenized split of <paramref name="dataFile"/>: loaded from the cache when valid, else built from
    /// <paramref name="loadStays"/> (called only on a miss) with <see cref="SplitTokenizer.Tokenize"/> and stored.
    /// </summary>
    public CachedSplit GetOrCreate(
        string dataFile,
        ITextTokenizer tokenizer,
        NoteSelectionSettings settings,
        Func<IReadOnlyList<IcuStay>> loadStays,
        int? maxThreads = null,
        IProgress<int>? progress = null)
    {
        settings.Validate();
        var (path, key) = Entry(dataFile, tokenizer, settings);
        bool existed = File.Exists(path);
        if (existed && TokenizedSplitFile.TryRead(path, key) is { } cached)
            return new CachedSplit(cached, CacheOutcome.Hit, path);

        var split = SplitTokenizer.Tokenize(loadStays(), tokenizer, settings, maxThreads, progress);
        System.IO.Directory.CreateDirectory(Directory);
        TokenizedSplitFile.Write(path, key, split);
        DeleteOlderVersions(path);
        return new CachedSplit(split, existed ? CacheOutcome.Rebuilt : CacheOutcome.Miss, path);
    }

    /// <summary>The cache file that would hold this input, and its 32-byte key.</summary>
    public (string Path, byte[] Key) Entry(string dataFile, ITextTokenizer tokenizer, NoteSelectionSettings settings)
    {
        var info = new FileInfo(dataFile);
        if (!info.Exists)
            throw new BadInputException($"{dataFile}: data file not found");
        // Serializing the record picks up every setting, including ones added later, so no setting can be
        // forgotten in the key. System.Text.Json formats numbers culture-invariantly.
        string recipe = $"llm4ehr-tokenized-split-v1\n{tokenizer.Identity}\n{JsonSerializer.Serialize(settings)}\n{info.FullName}\n";
        string version = string.Create(CultureInfo.InvariantCulture, $"{info.Length}\n{info.LastWriteTimeUtc.Ticks}\n");
        byte[] recipeHash = SHA256.HashData(Encoding.UTF8.GetBytes(recipe));
        byte[] key = SHA256.HashData([.. recipeHash, .. Encoding.UTF8.GetBytes(version)]);

        // <data stem>.<recipe>.<version>.l4tok: entries that share stem and recipe are versions of the same data file.
        string name = $"{Path.GetFileNameWithoutExtension(info.Name)}.{Hex(recipeHash)}.{Hex(key)}{Extension}";
        return (Path.Combine(Directory, name), key);
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash, 0, 6);

    private static void DeleteOlderVersions(string current)
    {
        string name = Path.GetFileName(current);
        string recipePrefix = name[..(name.LastIndexOf('.', name.Length - Extension.Length - 1) + 1)];
        foreach (var other in System.IO.Directory.EnumerateFiles(Path.GetDirectoryName(current)!, recipePrefix + "*" + Extension))
        {
            if (!string.Equals(other, current, StringComparison.Ordinal))
                TryDelete(other);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another process may be reading it; a stale entry only costs disk space.
        }
    }
}

/// <summary>How a tokenized split was obtained from the cache.</summary>
public enum CacheOutcome
{
    /// <summary>A valid cache file for this exact input and settings was loaded; nothing was tokenized.</summary>
    Hit,
    /// <summary>No cache file for this key: tokenized and written.</summary>
    Miss,
    /// <summary>A cache file for this key existed but was unreadable or corrupt: tokenized again and rewritten.</summary>
    Rebuilt,
}

/// <summary>A tokenized split from <see cref="TokenizedSplitCache"/>, how it was obtained and its cache file.</summary>
public sealed record CachedSplit(TokenizedSplit Split, CacheOutcome Outcome, string CachePath);
