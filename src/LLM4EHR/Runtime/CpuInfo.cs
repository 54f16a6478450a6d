namespace LLM4EHR.Runtime;

/// <summary>
/// The CPU as <c>/proc/cpuinfo</c> describes it: model name and the instruction-set flags that decide which compute
/// paths are fast here (AVX2, AVX-512, AVX512_BF16, AMX). Read once; empty values where /proc is not available.
/// </summary>
public sealed record CpuInfo(string Vendor, string Model, int LogicalCores, IReadOnlySet<string> Flags)
{
    /// <summary>The flags that matter for matmul speed and dtype choice, in a stable order.</summary>
    public static readonly string[] RelevantFlags = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile"];

    public static CpuInfo Current { get; } = Read("/proc/cpuinfo");

    /// <summary>bfloat16 matmul is native (AVX512_BF16 or AMX-BF16), not emulated.</summary>
    public bool HasBf16 => Flags.Contains("avx512_bf16") || Flags.Contains("amx_bf16");

    /// <summary>x86 <c>cpu family</c> (0x19 Zen 3/4, 0x1A Zen 5, 6 Intel Core/Xeon); 0 when unknown.</summary>
    public int Family { get; init; }

    /// <summary><c>cpu MHz</c> of the first CPU: the current clock on bare metal, often the base clock in a VM; 0 when unknown.</summary>
    public double Mhz { get; init; }

    public IReadOnlyList<string> PresentRelevantFlags => RelevantFlags.Where(Flags.Contains).ToList();

    internal static CpuInfo Read(string path)
    {
        if (!File.Exists(path))
            return new CpuInfo("", "", Environment.ProcessorCount, new HashSet<string>());
        string vendor = "", model = "";
        int family = 0;
        double mhz = 0;
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (key == "vendor_id" && vendor.Length == 0) vendor = value;
            else if (key == "model name" && model.Length == 0) model = value;
            else if (key == "cpu family" && family == 0) int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out family);
            else if (key == "cpu MHz" && mhz == 0) double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out mhz);
            else if (key == "flags" && flags.Count == 0) flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        return new CpuInfo(vendor, model, Environment.ProcessorCount, flags) { Family = family, Mhz = mhz };
    }
}
