using Razorvine.Pickle;

namespace LLM4EHR.Data.Pickle;

/// <summary>Decodes lifted <see cref="PickleText"/> arguments before calling a constructor that expects strings
/// (protocol 2 writes bytes as <c>_codecs.encode(str, 'latin1')</c>, and that str is long).</summary>
internal sealed class TextArgumentsConstructor(IObjectConstructor inner) : IObjectConstructor
{
    public object construct(object[] args) =>
        inner.construct(Array.ConvertAll(args, a => a is PickleText t ? t.Decode() : a));
}
