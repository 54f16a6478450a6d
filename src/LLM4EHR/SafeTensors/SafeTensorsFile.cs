using System.IO.MemoryMappedFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>
/// A memory-mapped safetensors file. Tensors are materialised one at a time on request, so a loader can stream
/// a checkpoint tensor by tensor and never hold the whole file in memory twice.
/// </summary>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly long _dataStart;

    private SafeTensorsFile(string path)
    {
        Path = path;
        long length = new FileInfo(path).Length;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            Span<byte> prefix = stackalloc byte[8];
            int got = fs.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
            (Tensors, Metadata, _dataStart) = SafeTensorsHeader.Parse(path, got == 8 ? prefix : new byte[8], n =>
            {
                var buf = new byte[n];
                fs.ReadExactly(buf);
                return buf;
            }, got == 8 ? length : got);
        }
        if (length > _dataStart)
        {
            _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
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

    /// <summary>The raw little-endian bytes of a tensor, straight from the mapping (valid until Dispose).</summary>
    public ReadOnlySpan<byte> RawBytes(string name)
    {
        var info = Info(name);
        if (info.ByteLength > int.MaxValue)
            throw new BadInputException($"{System.IO.Path.GetFileName(Path)}: tensor '{name}' is over 2 GiB; not supported");
        return info.ByteLength == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(_base + _dataStart + info.Begin, (int)info.ByteLength);
    }

    /// <summary>
    /// Reads one tensor into a new CPU tensor, converted to <paramref name="dtype"/> when given
    /// (e.g. BF16 on disk → F32 compute on CPU).
    /// </summary>
    public Tensor Load(string name, ScalarType? dtype = null)
    {
        var info = Info(name);
        var stored = empty(info.Shape, info.Dtype);
        if (info.ByteLength > 0)
            RawBytes(name).CopyTo(stored.bytes);
        if (dtype is null || dtype == info.Dtype)
            return stored;
        using (stored)
            return stored.to_type(dtype.Value);
    }

    public SafeTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info) ? info
        : throw new BadInputException($"{System.IO.Path.GetFileName(Path)}: no tensor named '{name}'");

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
