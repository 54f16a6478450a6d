using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace LLM4EHR.Text;

/// <summary>
/// The on-disk form of a <see cref="TokenizedSplit"/>: compact little-endian binary, loadable at memory speed.
/// <code>
/// "L4TOKSPL" | int32 version | 32-byte key | summary (4 int32 + 5 int64 + 2 int32 … see WriteSummary)
/// int32 stays | per stay: int32 nameBytes, UTF-8 name, int32 K, K float32 labels, int32 L, L int32 token ids
/// 32-byte SHA-256 of everything before it
/// </code>
/// The trailing hash makes a torn or bit-flipped file detectable, so a bad cache is rebuilt, never trusted.
/// </summary>
internal static class TokenizedSplitFile
{
    private static readonly byte[] Magic = "L4TOKSPL"u8.ToArray();
    private const int Version = 1;
    private const int KeyBytes = 32;
    private const int HashBytes = 32;

    /// <summary>Writes atomically: a temp file in the same folder, then a rename over <paramref name="path"/>.</summary>
    public static void Write(string path, byte[] key, TokenizedSplit split)
    {
        if (key.Length != KeyBytes)
            throw new ArgumentException($"key must be {KeyBytes} bytes", nameof(key));
        RequireLittleEndian();
        var temp = path + $".tmp-{Guid.NewGuid():N}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                using (var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
                {
                    w.Write(Magic);
                    w.Write(Version);
                    w.Write(key);
                    WriteSummary(w, split.Summary);
                    w.Write(split.Stays.Count);
                    foreach (var stay in split.Stays)
                    {
                        var name = Encoding.UTF8.GetBytes(stay.Name);
                        w.Write(name.Length);
                        w.Write(name);
                        w.Write(stay.Labels.Length);
                        foreach (var label in stay.Labels)
                            w.Write(label);
                        w.Write(stay.TokenIds.Length);
                        w.Write(MemoryMarshal.AsBytes(stay.TokenIds.AsSpan())); // raw little-endian int32s
                    }
                }
                file.Flush();
                file.Position = 0;
                var hash = SHA256.HashData(file);
                file.Write(hash);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>
    /// Reads a cache file written for <paramref name="key"/>; null if it is missing, torn, corrupt, of another
    /// version or for another key (the caller rebuilds it).
    /// </summary>
    public static TokenizedSplit? TryRead(string path, byte[] key)
    {
        RequireLittleEndian();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (bytes.Length < Magic.Length + 4 + KeyBytes + HashBytes)
            return null;
        var body = bytes.AsSpan(0, bytes.Length - HashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
            return null;
        try
        {
            return Parse(body, key);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            return null; // structurally bad despite a matching hash: written by a buggy or foreign writer
        }
    }

    private static TokenizedSplit? Parse(ReadOnlySpan<byte> s, byte[] key)
    {
        var r = new SpanReader(s);
        if (!r.Bytes(Magic.Length).SequenceEqual(Magic) || r.Int32() != Version || !r.Bytes(KeyBytes).SequenceEqual(key))
            return null;
        var summary = ReadSummary(ref r);
        int count = r.Int32();
        if (count < 0 || count != summary.KeptStays)
            return null;
        var stays = new TokenizedStay[count];
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(r.Bytes(r.Int32()));
            var labels = new float[r.Int32()];
            MemoryMarshal.Cast<byte, float>(r.Bytes(labels.Length * sizeof(float))).CopyTo(labels);
            // Uninitialized: every element is overwritten at once, and zeroing tens of MB would cost a good share
            // of a cache hit.
            var ids = GC.AllocateUninitializedArray<int>(r.Int32());
            MemoryMarshal.Cast<byte, int>(r.Bytes(ids.Length * sizeof(int))).CopyTo(ids);
            stays[i] = new TokenizedStay(name, ids, labels);
        }
        return r.AtEnd ? new TokenizedSplit(stays, summary) : null;
    }

    // Token arrays are copied to and from disk as raw memory (that is what makes a cache hit fast); the format is
    // little-endian, as is every platform .NET ships for.
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the tokenized-split cache needs a little-endian host");
    }

    private static void WriteSummary(BinaryWriter w, TokenizationSummary s)
    {
        w.Write(s.Stays);
        w.Write(s.KeptStays);
        w.Write(s.StaysWithoutNotes);
        w.Write(s.SkippedStays);
        w.Write(s.Notes);
        w.Write(s.NotesOutsideHorizon);
        w.Write(s.NotesBeyondMaxNotes);
        w.Write(s.NotesUsed);
        w.Write(s.Tokens);
        w.Write(s.TruncatedStays);
        w.Write(s.MaxSequenceLength);
    }

    private static TokenizationSummary ReadSummary(ref SpanReader r) => new()
    {
        Stays = r.Int32(),
        KeptStays = r.Int32(),
        StaysWithoutNotes = r.Int32(),
        SkippedStays = r.Int32(),
        Notes = r.Int64(),
        NotesOutsideHorizon = r.Int64(),
        NotesBeyondMaxNotes = r.Int64(),
        NotesUsed = r.Int64(),
        Tokens = r.Int64(),
        TruncatedStays = r.Int32(),
        MaxSequenceLength = r.Int32(),
    };

    /// <summary>Forward-only little-endian reader over a span; reading past the end throws ArgumentOutOfRange.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos == _data.Length;

        public ReadOnlySpan<byte> Bytes(int n)
        {
            var slice = _data.Slice(_pos, n);
            _pos += n;
            return slice;
        }

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));
        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));
    }
}
