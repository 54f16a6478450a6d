namespace LLM4EHR.Models.Llama;

/// <summary>
/// Where a model write stands. The first report comes before anything is written (<see cref="TensorsWritten"/> 0) and
/// carries the plan: total size on disk, shard count and the free space found; then one report per tensor written.
/// </summary>
public sealed record ModelWriteProgress(string Folder, long TotalBytes, int Shards, long FreeBytes,
    long BytesWritten, int TensorsWritten, int TotalTensors, string? CurrentShard);
