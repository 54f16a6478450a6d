using System.Text;
using LLM4EHR.Data;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// A pickle may name callables; only the NumPy allow-list is ever looked up. Everything else is refused by
/// name before Razorvine runs (which would otherwise build a ClassDict for an unknown class).
/// </summary>
public sealed class P2xPickleSecurityTests
{
    private static string Refused(byte[] data)
    {
        var e = Assert.Throws<BadInputException>(() => P2xDataset.Parse(data, "x.pkl", ClinicalTask.Ihm));
        return e.Message;
    }

    private static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
            bytes.AddRange(part switch
            {
                byte b => [b],
                char c => [(byte)c],
                string s => Encoding.UTF8.GetBytes(s),
                byte[] raw => raw,
                _ => throw new ArgumentException(part.ToString()),
            });
        return bytes.ToArray();
    }

    private static byte[] ShortStr(string s) => [0x8c, (byte)s.Length, .. Encoding.UTF8.GetBytes(s)];

    [Fact]
    public void Protocol2_global_os_system_is_refused_by_name()
    {
        // cos\nsystem\n(S'echo pwned'\ntR.  — the classic pickle exploit.
        var data = Bytes((byte)0x80, (byte)2, "cos\nsystem\n", '(', 'X', new byte[] { 10, 0, 0, 0 }, "echo pwned", 't', 'R', '.');
        Assert.Equal("x.pkl: unsupported pickle global 'os.system'", Refused(data));
    }

    [Fact]
    public void Protocol4_stack_global_is_refused_by_name()
    {
        var data = Bytes((byte)0x80, (byte)4, ShortStr("builtins"), (byte)0x94, ShortStr("eval"), (byte)0x94, (byte)0x93,
            ShortStr("1+1"), (byte)0x85, 'R', '.');
        Assert.Equal("x.pkl: unsupported pickle global 'builtins.eval'", Refused(data));
    }

    [Fact]
    public void Names_fetched_from_the_memo_are_still_checked()
    {
        // Memoize "subprocess" early, then build STACK_GLOBAL from BINGET so no string sits right before it.
        var data = Bytes((byte)0x80, (byte)4, ShortStr("subprocess"), (byte)0x94, '0',
            'h', (byte)0, ShortStr("call"), (byte)0x93, ']', (byte)0x85, 'R', '.');
        Assert.Equal("x.pkl: unsupported pickle global 'subprocess.call'", Refused(data));
    }

    [Fact]
    public void Inst_opcode_is_checked()
    {
        var data = Bytes((byte)0x80, (byte)2, '(', "ios\nsystem\n", '.');
        Assert.Equal("x.pkl: unsupported pickle global 'os.system'", Refused(data));
    }

    [Fact]
    public void Globals_razorvine_would_accept_are_refused_too()
    {
        var data = Bytes((byte)0x80, (byte)2, "cbuiltins\nset\n", ']', (byte)0x85, 'R', '.');
        Assert.Equal("x.pkl: unsupported pickle global 'builtins.set'", Refused(data));
    }

    [Fact]
    public void Stack_global_with_computed_operands_is_refused()
    {
        // The module string is the result of a call (unknowable without running it): refused outright.
        var data = Bytes((byte)0x80, (byte)4, ShortStr("numpy"), ShortStr("dtype"), (byte)0x93, ShortStr("f8"),
            (byte)0x85, 'R', ShortStr("x"), (byte)0x93, '.');
        Assert.StartsWith("x.pkl: unsupported pickle global (STACK_GLOBAL at offset", Refused(data));
    }

    [Fact]
    public void Allowed_class_cannot_be_called_directly()
    {
        var data = Bytes((byte)0x80, (byte)4, ShortStr("numpy"), ShortStr("ndarray"), (byte)0x93, ')', 'R', '.');
        Assert.Equal("x.pkl: numpy.ndarray may only appear as the class argument of _reconstruct", Refused(data));
    }

    [Fact]
    public void The_private_lifted_globals_cannot_be_named_by_a_file()
    {
        // Our rewritten stream calls llm4ehr_lifted.bytes(offset, length); an input file may not, by either opcode.
        Assert.Equal("x.pkl: unsupported pickle global 'llm4ehr_lifted.bytes'",
            Refused(Bytes((byte)0x80, (byte)2, "cllm4ehr_lifted\nbytes\n", 'K', (byte)0, 'K', (byte)4, (byte)0x86, 'R', '.')));
        Assert.Equal("x.pkl: unsupported pickle global 'llm4ehr_lifted.bytes'",
            Refused(Bytes((byte)0x80, (byte)4, ShortStr("llm4ehr_lifted"), ShortStr("bytes"), (byte)0x93,
                'K', (byte)0, 'K', (byte)4, (byte)0x86, 'R', '.')));
        Assert.Equal("x.pkl: unsupported pickle global 'llm4ehr_lifted.str'",
            Refused(Bytes((byte)0x80, (byte)2, "cllm4ehr_lifted\nstr\n", 'K', (byte)0, 'K', (byte)4, (byte)0x86, 'R', '.')));
    }

    [Fact]
    public void Persistent_ids_are_refused() =>
        Assert.StartsWith("x.pkl: unsupported pickle opcode: persistent id", Refused(Bytes((byte)0x80, (byte)2, "Pabc\n", '.')));

    [Fact]
    public void Unsupported_protocol_is_refused() =>
        Assert.Equal("x.pkl: unsupported pickle protocol 9 (expected 2 to 5)", Refused(Bytes((byte)0x80, (byte)9, ']', '.')));
}
