using System.Text;

namespace LLM4EHR.IO;

/// <summary>
/// The project's one way to write a file: into a hidden temp file beside the destination (same folder, so the
/// rename stays on one file system), flushed to disk, then renamed over the destination. Readers and a crash see the
/// old file or the new one, never half of one; on failure the temp file is removed and the destination is untouched.
/// </summary>
public static class AtomicFile
{
    // Big enough that record-by-record writers (BinaryWriter, tensor bytes) do not hit the OS per field.
    private const int BufferSize = 1 << 16;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8NoBom, BufferSize, leaveOpen: true);
            writer.Write(text);
        });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Writes through <paramref name="write"/>, which gets the temp file open for reading and writing (a writer may
    /// read back what it wrote, e.g. to hash it) and must leave it open. Creates the destination folder.
    /// </summary>
    public static void Write(string path, Action<FileStream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        // A unique name: two writers of the same destination (threads or processes) never share a temp file.
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize))
            {
                write(stream);
                // The data must be on disk before the rename makes it the file, or a power cut could leave
                // a complete-looking name with missing content.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
