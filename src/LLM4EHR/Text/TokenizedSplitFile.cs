using System.Runtime.InteropServices;
using System.IO.Hashing;
using System.Text;
using LLM4EHR.IO;

namespace LLM4EHR.Text;

/// <summary>
/// The on-disk form of a <see cref="TokenizedSplit"/>: compact little-endian binary, loadable at memory speed.
/// <code>
/// "L4TOKSPL" | int32 version | 32-byte key | summary (4 int32 + 5 int64 + 2 int32 … see WriteSummary)
/// int32 stays | per stay: int32 nameBytes, UTF-8 name, int32 K, K float32 labels, int32 L, L int32 token ids
/// 16-byte XxHash128 of everything before it
/// </code>
/// The trailing hash makes a torn or bit-flipped file detectable, so a bad cache is rebuilt, never trusted. It is
/// a fast non-cryptographic hash on purpose: it guards against damage, not tampering, and SHA-256 would take a
/// sizeable share of a cache hit.
/// </summary>
internal static class TokenizedSplitFile
{
    private static readonly byte[] Magic = "L4TOKSPL"u8.ToArray();
    private const int Version = 2;
    private const int KeyBytes = 32;
    private const int HashBytes = 16;

    /// <summary>Writes atomically: a temp file in the same folder, then a rename over <paramref name="path"/>.</summary>
    public static void Write(string path, byte[] key, TokenizedSplit split)
    {
        if (key.Length != KeyBytes)
            throw new ArgumentException($"key must be {KeyBytes} bytes", nameof(key));
        RequireLittleEndian();
        AtomicFile.Write(path, file =>
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
            var hash = new XxHash128();
            hash.Append(file);
            file.Write(hash.GetCurrentHash());
        });
    }

    /// <summary>
    /// Reads a cache file written for <paramref name="key"/>; null if it is missing, torn, corrupt, of another
    /// version or for another key (the caller rebuilds it). One pass: token ids are read straight into their
    /// arrays while being hashed, and the result is returned only if the trailing hash matches.
    /// </summary>
    public static TokenizedSplit? TryRead(string path, byte[] key)
    {
        RequireLittleEndian();
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            if (file.Length < Magic.Length + 4 + KeyBytes + HashBytes)
                return null;
            var reader = new HashedStreamReader(file, file.Length - HashBytes);
            var split = Parse(reader, key);
            if (split is null || reader.Remaining != 0)
                return null;
            var stored = new byte[HashBytes];
            file.ReadExactly(stored);
            return reader.Hash().AsSpan().SequenceEqual(stored) ? split : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null; // EndOfStreamException and InvalidDataException (bad lengths) included
        }
    }

    private static TokenizedSplit? Parse(HashedStreamReader r, byte[] key)
    {
        if (!r.Bytes(Magic.Length).AsSpan().SequenceEqual(Magic) || r.Int32() != Version || !r.Bytes(KeyBytes).AsSpan().SequenceEqual(key))
            return null;
        var summary = ReadSummary(r);
        int count = r.Count(itemBytes: 12); // each stay has at least three int32 lengths
        if (count != summary.KeptStays)
            return null;
        var stays = new TokenizedStay[count];
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(r.Bytes(r.Count(1)));
            var labels = new float[r.Count(sizeof(float))];
            r.Read(MemoryMarshal.AsBytes(labels.AsSpan()));
            // Uninitialized: every element is overwritten at once, and zeroing tens of MB would cost a good share
            // of a cache hit.
            var ids = GC.AllocateUninitializedArray<int>(r.Count(sizeof(int)));
            r.Read(MemoryMarshal.AsBytes(ids.AsSpan()));
            stays[i] = new TokenizedStay(name, ids, labels);
        }
        return new TokenizedSplit(stays, summary);
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

    private static TokenizationSummary ReadSummary(HashedStreamReader r) => new()
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
}
