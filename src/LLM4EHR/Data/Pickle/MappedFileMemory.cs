using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// A read-only file mapped into memory, as <see cref="Memory{T}"/>: the unpickler reads opcodes and lifted NumPy
/// payloads straight from the page cache, without first copying the whole file into an array.
/// </summary>
/// <remarks>Split files are inputs nobody writes while we load; a file truncated under the mapping would fault.</remarks>
internal sealed unsafe class MappedFileMemory : MemoryManager<byte>
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly int _length;

    private MappedFileMemory(MemoryMappedFile map, MemoryMappedViewAccessor view, int length)
    {
        _map = map;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    /// <summary>Maps <paramref name="length"/> (&gt; 0) bytes of <paramref name="file"/>.</summary>
    public static MappedFileMemory Open(FileStream file, int length)
    {
        var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            return new MappedFileMemory(map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    public override Span<byte> GetSpan() => new(_base, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_base + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
