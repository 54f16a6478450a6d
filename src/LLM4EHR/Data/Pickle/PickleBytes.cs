namespace LLM4EHR.Data.Pickle;

/// <summary>
/// A large pickle <c>bytes</c> payload (NumPy array data) left where it lies in the file buffer instead of being
/// copied into its own <c>byte[]</c>: the array data is then read once, straight into the final <c>double[]</c>.
/// Made only by <see cref="LiftedBytesConstructor"/> for payloads <see cref="PickleGlobalScanner"/> lifted out.
/// </summary>
internal sealed class PickleBytes(ReadOnlyMemory<byte> memory)
{
    public ReadOnlyMemory<byte> Memory { get; } = memory;

    public int Length => Memory.Length;
}
