using System.Text.Json;

namespace LLM4EHR.SafeTensors;

/// <summary>
/// Hugging Face's sharded checkpoint layout: tensors split in order into <c>model-0000N-of-0000M.safetensors</c>
/// files, with <c>model.safetensors.index.json</c> mapping every key to its file. One shard is written as plain
/// <c>model.safetensors</c> without an index, as <c>save_pretrained</c> does.
/// </summary>
public static class SafeTensorsShards
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Hugging Face's default shard limit (<c>max_shard_size="5GB"</c>, decimal).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    public static string ShardName(int number, int count) => count == 1 ? SingleFile : $"model-{number:00000}-of-{count:00000}.safetensors";

    /// <summary>
    /// Greedy, in order, as huggingface_hub splits a state dict: a tensor joins the current shard unless its data would
    /// take the shard past <paramref name="maxShardBytes"/>; a tensor larger than the limit gets a shard of its own.
    /// </summary>
    public static IReadOnlyList<(string File, IReadOnlyList<SafeTensorEntry> Entries)> Plan(IReadOnlyList<SafeTensorEntry> entries, long maxShardBytes)
    {
        if (maxShardBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxShardBytes));
        var shards = new List<List<SafeTensorEntry>>();
        long current = 0;
        foreach (var e in entries)
        {
            if (shards.Count == 0 || (current > 0 && current + e.ByteLength > maxShardBytes))
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(e);
            current += e.ByteLength;
        }
        return shards.Select((s, i) => (ShardName(i + 1, shards.Count), (IReadOnlyList<SafeTensorEntry>)s)).ToList();
    }

    /// <summary>The index file's text: <c>metadata.total_size</c> (data bytes) and the key → file map, keys sorted.</summary>
    public static string IndexJson(IReadOnlyList<(string File, IReadOnlyList<SafeTensorEntry> Entries)> shards)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, entries) in shards)
            foreach (var e in entries)
                map[e.Name] = file;
        var index = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, long> { ["total_size"] = shards.Sum(s => s.Entries.Sum(e => e.ByteLength)) },
            ["weight_map"] = map,
        };
        return JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true });
    }
}
