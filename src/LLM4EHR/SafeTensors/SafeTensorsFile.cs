using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>
/// An open safetensors file. Tensors are read one at a time on request, with positioned reads straight into the
/// new tensor's memory, so a loader can stream a checkpoint tensor by tensor. No memory map: a mapping keeps every
/// page it has touched resident (and counted in RSS) until it is unmapped, so streaming a 16 GB checkpoint through
/// one would show 16 GB resident however little the loader keeps.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    // Elements converted per step when the stored dtype differs from the requested one: the staging buffer is all
    // the extra memory a converting load needs (a whole stored copy of a 1 GB embedding would be 1 GB more).
    internal const long ConvertChunkElements = 4 << 20;
    // Positioned reads take an int-length span.
    private const int MaxReadBytes = 1 << 30;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafeTensorsFile(string path)
    {
        Path = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(_handle);
            Span<byte> prefix = stackalloc byte[8];
            int got = RandomAccess.Read(_handle, prefix, 0);
            (Tensors, Metadata, _dataStart) = SafeTensorsHeader.Parse(path, got == 8 ? prefix : new byte[8], n =>
            {
                var buf = new byte[n];
                ReadExactly(buf, 8);
                return buf;
            }, got == 8 ? length : got);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens and validates the header; missing file → <see cref="BadInputException"/>.</summary>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new BadInputException($"{path}: safetensors file not found");
        return new SafeTensorsFile(path);
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The raw little-endian bytes of a (small) tensor.</summary>
    public byte[] RawBytes(string name)
    {
        var info = Info(name);
        if (info.ByteLength > int.MaxValue)
            throw new BadInputException($"{System.IO.Path.GetFileName(Path)}: tensor '{name}' is over 2 GiB; not supported");
        var bytes = new byte[info.ByteLength];
        ReadExactly(bytes, _dataStart + info.Begin);
        return bytes;
    }

    /// <summary>
    /// Reads one tensor into a new CPU tensor, converted to <paramref name="dtype"/> when given
    /// (e.g. BF16 on disk → F32 compute on CPU) through a small staging buffer, never a whole stored copy.
    /// </summary>
    public Tensor Load(string name, ScalarType? dtype = null)
    {
        var info = Info(name);
        var result = empty(info.Shape, dtype ?? info.Dtype);
        try
        {
            using var flat = result.view(-1);                                    // [n]
            long n = info.ElementCount, offset = _dataStart + info.Begin;
            if (result.dtype == info.Dtype)
            {
                ReadInto(flat, n, offset);
                return result;
            }
            int size = (int)(info.ByteLength / Math.Max(n, 1));
            using var staging = empty([Math.Min(n, ConvertChunkElements)], info.Dtype);
            for (long start = 0; start < n; start += ConvertChunkElements)
            {
                long count = Math.Min(ConvertChunkElements, n - start);
                using var part = staging.narrow(0, 0, count);
                ReadInto(part, count, offset + start * size);
                using var target = flat.narrow(0, start, count);
                target.copy_(part);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    // Fills the first n elements of a contiguous 1-D tensor from the file, in reads of at most 1 GiB.
    private void ReadInto(Tensor flat, long n, long fileOffset)
    {
        long size = flat.ElementSize, perRead = MaxReadBytes / size;
        for (long start = 0; start < n; start += perRead)
        {
            using var part = flat.narrow(0, start, Math.Min(perRead, n - start));
            ReadExactly(part.bytes, fileOffset + start * size);
        }
    }

    private void ReadExactly(Span<byte> buffer, long fileOffset)
    {
        while (!buffer.IsEmpty)
        {
            int got = RandomAccess.Read(_handle, buffer, fileOffset);
            if (got == 0)
                throw new BadInputException($"{System.IO.Path.GetFileName(Path)}: file ends early (truncated while open?)");
            buffer = buffer[got..];
            fileOffset += got;
        }
    }

    public SafeTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info) ? info
        : throw new BadInputException($"{System.IO.Path.GetFileName(Path)}: no tensor named '{name}'");

    public void Dispose() => _handle.Dispose();
}
