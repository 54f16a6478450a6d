using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LLM4EHR.Training;

/// <summary>
/// Appends one JSON object per line to log.jsonl and flushes it, so the log survives a crash up to the last
/// record. <see cref="Length"/> is saved in checkpoints; resume truncates back to it.
/// </summary>
internal sealed class TrainingLog : IDisposable
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly FileStream _stream;

    public TrainingLog(string path, long truncateTo)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        _stream.SetLength(Math.Min(truncateTo, _stream.Length));
        _stream.Seek(0, SeekOrigin.End);
    }

    public long Length => _stream.Length;

    public void Write(object record)
    {
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Options) + "\n");
        _stream.Write(line);
        _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();
}
