using LLM4EHR.Runtime;
using LLM4EHR.Tests.Data;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Runtime;

/// <summary>MKL's Intel path on AMD (<see cref="MklIntelPath"/>): on by default here, off with the opt-out, same numbers.</summary>
public class MklIntelPathTests
{
    private static bool AmdX64Linux => CpuInfo.Current.Vendor == "AuthenticAMD" && OperatingSystem.IsLinux()
        && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;

    [Fact]
    public void Is_applied_at_load_on_this_machine_unless_opted_out()
    {
        string state = MklIntelPath.Apply();
        bool optOut = Environment.GetEnvironmentVariable(MklIntelPath.Variable) == "0";
        if (AmdX64Linux && !optOut)
            Assert.StartsWith("optimized", state);
        Assert.Equal(state.StartsWith("optimized") || state.StartsWith("native"), MklIntelPath.Optimized);
    }

    [Fact]
    public void Float32_matmul_on_the_patched_path_matches_a_float64_reference()
    {
        // Shapes with ragged edges ([300, 520] @ [520, 390]) so MKL's blocked kernels and their tails both run.
        using var g = new Generator(7, CPU);
        using var a = randn([300, 520], generator: g);
        using var b = randn([520, 390], generator: g);
        using var c = a.matmul(b);                                      // f32, MKL sgemm
        using var reference = a.to_type(ScalarType.Float64).matmul(b.to_type(ScalarType.Float64));
        // f32 accumulation over 520 terms of N(0,1)·N(0,1): errors ~1e-5 relative to the ~√520 ≈ 23 scale.
        double maxError = (c.to_type(ScalarType.Float64) - reference).abs().max().item<double>();
        Assert.True(maxError < 1e-3, $"max |f32 - f64| = {maxError} on path {MklIntelPath.State}");
    }

    [Fact]
    public void Opt_out_variable_keeps_the_generic_path_in_a_child_process()
    {
        var (code, output, err) = CliProcess.Run(new Dictionary<string, string> { [MklIntelPath.Variable] = "0" }, null, "env");
        Assert.True(code == 0, err);
        string line = output.Split('\n').Single(l => l.StartsWith("mkl path"));
        Assert.DoesNotContain("optimized", line);
        if (AmdX64Linux)
            Assert.Contains($"generic ({MklIntelPath.Variable}=0)", line);
    }
}
