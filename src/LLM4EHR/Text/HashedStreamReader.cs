using System.Buffers.Binary;
using System.IO.Hashing;

namespace LLM4EHR.Text;

/// <summary>
/// Reads a little-endian stream up to a known end while hashing (XxHash128) every byte it hands out, so a file can be
/// parsed and verified in one pass. Reads past the end throw <see cref="InvalidDataException"/>, which also keeps a
/// corrupt length field from allocating more than the file holds.
/// </summary>
internal sealed class HashedStreamReader(Stream stream, long end)
{
    private readonly XxHash128 _hash = new();
    private readonly byte[] _scratch = new byte[8];

    /// <summary>Bytes left before the end.</summary>
    public long Remaining { get; private set; } = end;

    /// <summary>Fills <paramref name="into"/> and hashes it.</summary>
    public void Read(Span<byte> into)
    {
        if (into.Length > Remaining)
            throw new InvalidDataException($"record of {into.Length} bytes runs past the end ({Remaining} left)");
        stream.ReadExactly(into);
        _hash.Append(into);
        Remaining -= into.Length;
    }

    public byte[] Bytes(int count)
    {
        if (count < 0 || count > Remaining)
            throw new InvalidDataException($"bad length {count} ({Remaining} bytes left)");
        var bytes = new byte[count];
        Read(bytes);
        return bytes;
    }

    public int Int32()
    {
        Read(_scratch.AsSpan(0, 4));
        return BinaryPrimitives.ReadInt32LittleEndian(_scratch);
    }

    public long Int64()
    {
        Read(_scratch.AsSpan(0, 8));
        return BinaryPrimitives.ReadInt64LittleEndian(_scratch);
    }

    /// <summary>A count of items of <paramref name="itemBytes"/> bytes each, checked against what is left.</summary>
    public int Count(int itemBytes)
    {
        int n = Int32();
        if (n < 0 || (long)n * itemBytes > Remaining)
            throw new InvalidDataException($"bad count {n} ({Remaining} bytes left)");
        return n;
    }

    /// <summary>XxHash128 of everything read so far.</summary>
    public byte[] Hash() => _hash.GetCurrentHash();
}
