using System.Buffers;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// Memory that has a length but no bytes: lets a test hand a size check a ~2 GiB payload without allocating it.
/// Any attempt to read it fails, so a test also proves the bytes were never touched.
/// </summary>
internal sealed class LengthOnlyMemory(int length) : MemoryManager<byte>
{
    public override Memory<byte> Memory => CreateMemory(length);

    public override Span<byte> GetSpan() => throw new InvalidOperationException("the payload must not be read");

    public override MemoryHandle Pin(int elementIndex = 0) => throw new InvalidOperationException("the payload must not be pinned");

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
