using Razorvine.Pickle;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// The only pickle globals a p2x file may name. Everything else (e.g. <c>os.system</c>) is refused by
/// <see cref="PickleGlobalScanner"/> before Razorvine sees the stream.
/// </summary>
/// <remarks>
/// Razorvine.Pickle 1.5 has no overridable hook for global lookup: an unknown global silently becomes a
/// ClassDict. So the allow-list is enforced by scanning the opcodes first, and the allowed names are
/// registered with Razorvine's (process-wide) constructor table once, mapping to our NumPy constructors.
/// </remarks>
internal static class PickleAllowList
{
    private static readonly Dictionary<string, IObjectConstructor> Globals = Build();

    public static bool IsAllowed(string module, string name) => Globals.ContainsKey(module + "." + name);

    /// <summary>Registers the NumPy constructors with Razorvine; idempotent and thread-safe (static init).</summary>
    public static void EnsureRegistered() => _ = Registration.Done;

    private static Dictionary<string, IObjectConstructor> Build()
    {
        var reconstruct = new NumpyConstructor(NumpyConstructor.Kind.Reconstruct);
        var scalar = new NumpyConstructor(NumpyConstructor.Kind.Scalar);
        var fromBuffer = new NumpyConstructor(NumpyConstructor.Kind.FromBuffer);
        var map = new Dictionary<string, IObjectConstructor>(StringComparer.Ordinal)
        {
            ["numpy.ndarray"] = new NumpyConstructor(NumpyConstructor.Kind.NdarrayClass),
            ["numpy.dtype"] = new NumpyConstructor(NumpyConstructor.Kind.DType),
        };
        // NumPy 1 pickles name numpy.core.*, NumPy 2 numpy._core.*; real MIMIC files use the latter.
        foreach (var core in new[] { "numpy.core", "numpy._core" })
        {
            map[core + ".multiarray._reconstruct"] = reconstruct;
            map[core + ".multiarray.scalar"] = scalar;
            map[core + ".numeric._frombuffer"] = fromBuffer;
        }
        // Protocol 2 writes bytes as _codecs.encode(str, 'latin1'); Razorvine's own constructor handles it.
        map["_codecs.encode"] = new TextArgumentsConstructor(new Razorvine.Pickle.Objects.ByteArrayConstructor());
        return map;
    }

    private static class Registration
    {
        public static readonly bool Done = Register();

        private static bool Register()
        {
            foreach (var (key, ctor) in Globals)
            {
                int dot = key.LastIndexOf('.');
                Unpickler.registerConstructor(key[..dot], key[(dot + 1)..], ctor);
            }
            // Our own rewritten streams name it; input files may not (it is not in Globals).
            Unpickler.registerConstructor(LiftedBytesConstructor.Module, LiftedBytesConstructor.BytesName, new LiftedBytesConstructor(LiftedBytesConstructor.Kind.Bytes));
            Unpickler.registerConstructor(LiftedBytesConstructor.Module, LiftedBytesConstructor.StrName, new LiftedBytesConstructor(LiftedBytesConstructor.Kind.Text));
            Unpickler.registerConstructor(LiftedBytesConstructor.Module, LiftedBytesConstructor.FloatsName, new LiftedBytesConstructor(LiftedBytesConstructor.Kind.Floats));
            return true;
        }
    }
}
