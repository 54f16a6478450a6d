using Razorvine.Pickle;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// Unpickles untrusted bytes: the opcode scan refuses any global outside the allow-list first, then Razorvine
/// builds the object graph (lists → ArrayList, dicts → Hashtable, tuples → object[], NumPy → <see cref="NumpyArray"/>,
/// whose data stays in <c>data</c> as <see cref="PickleBytes"/>).
/// Every failure comes out as a one-line <see cref="BadInputException"/> without a file prefix.
/// </summary>
internal static class SafeUnpickler
{
    public static object? Load(ReadOnlyMemory<byte> data)
    {
        // One pass checks every global and lifts the NumPy payloads out; Razorvine parses the (much smaller)
        // rewritten stream, and lifted payloads come back as views of `data`, which the caller keeps alive.
        using var lifted = new LiftedPickleWriter(data);
        PickleGlobalScanner.Check(data.Span, lifted);
        PickleAllowList.EnsureRegistered();
        using var source = LiftedBytesConstructor.Use(data);
        using var unpickler = new Unpickler();
        try
        {
            return unpickler.loads(lifted.Output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Razorvine wraps errors from __setstate__ (reflection) in PickleException/TargetInvocationException:
            // surface our own message when there is one.
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is BadInputException bad)
                    throw new BadInputException(bad.Message, e);
            throw new BadInputException($"not a valid pickle ({e.GetType().Name}: {OneLine(e.Message)})", e);
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
