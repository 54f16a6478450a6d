namespace LLM4EHR.Text;

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
