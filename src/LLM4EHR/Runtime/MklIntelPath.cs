using System.Runtime.InteropServices;
using TorchSharp;

namespace LLM4EHR.Runtime;

/// <summary>
/// libtorch_cpu.so links oneMKL statically, and MKL picks its kernels by asking <c>mkl_serv_intel_cpu_true()</c>: on
/// AMD it answers 0 and every sgemm takes a generic path (measured on the 2-core EPYC build box: f32 matmul ×2 and the
/// bench train step ×1.35 once it answers 1). We overwrite that function's first bytes with <c>mov eax,1; ret</c> in
/// this process's copy of the library (copy-on-write: the file on disk and other processes are untouched), right
/// after libtorch loads and before the first matmul, so MKL never caches the slow choice.
/// Only on x86-64 Linux, only on non-Intel CPUs (Intel already gets the fast path), only where the symbol is exported;
/// <c>LLM4EHR_MKL_INTEL_PATH=0</c> opts out. Applied from <see cref="NativeStartup"/>.
/// </summary>
public static partial class MklIntelPath
{
    public const string Variable = "LLM4EHR_MKL_INTEL_PATH";
    private const string Symbol = "mkl_serv_intel_cpu_true";
    private static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3]; // mov eax, 1; ret
    private static readonly Lock Gate = new();

    /// <summary>What <see cref="Apply"/> did, in words (for <c>llm4ehr env</c> and run.json); null before it ran.</summary>
    public static string? State { get; private set; }

    /// <summary>True when MKL takes its Intel-optimized path in this process (patched here, or an Intel CPU).</summary>
    public static bool Optimized { get; private set; }

    /// <summary>Loads libtorch and patches MKL's CPU check once per process; later calls return the first result.</summary>
    public static string Apply()
    {
        lock (Gate)
        {
            if (State is not null) return State;
            (Optimized, State) = Decide();
            return State;
        }
    }

    private static (bool, string) Decide()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return (false, "not applicable (not x86-64 Linux)");
        if (CpuInfo.Current.Vendor == "GenuineIntel")
            return (true, "native (Intel CPU)");
        if (System.Environment.GetEnvironmentVariable(Variable) is "0")
            return (false, $"generic ({Variable}=0)");
        torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch_cpu.so through TorchSharp's own resolver
        nint lib = dlopen("libtorch_cpu.so", RtldLazy | RtldNoload);
        if (lib == 0)
            return (false, "generic (libtorch_cpu.so not loaded)");
        nint fn = dlsym(lib, Symbol);
        if (fn == 0)
            return (false, $"generic ({Symbol} not exported by this libtorch)");
        return Patch(fn) ? (true, $"optimized ({Symbol} patched to return 1)") : (false, "generic (mprotect refused to make the code writable)");
    }

    private static unsafe bool Patch(nint fn)
    {
        long page = System.Environment.SystemPageSize;
        nint start = fn & ~(nint)(page - 1);
        nint length = (nint)((fn + ReturnOne.Length - start + page - 1) / page * page); // the page(s) the 6 bytes span
        if (mprotect(start, length, ProtRead | ProtWrite | ProtExec) != 0)
            return false;
        ReturnOne.CopyTo(new Span<byte>((void*)fn, ReturnOne.Length));
        mprotect(start, length, ProtRead | ProtExec);
        return true;
    }

    private const int RtldLazy = 0x1, RtldNoload = 0x4;
    private const int ProtRead = 0x1, ProtWrite = 0x2, ProtExec = 0x4;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int mode);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlsym(nint handle, string name);

    [LibraryImport("libc")]
    private static partial int mprotect(nint addr, nint len, int prot);
}
