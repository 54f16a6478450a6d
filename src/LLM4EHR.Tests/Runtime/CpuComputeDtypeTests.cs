using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Runtime;

/// <summary><c>model.dtype: auto</c> on CPU: bf16 only where the CPU has native bf16 and the model is not small, overridable by LLM4EHR_CPU_BF16.</summary>
public class CpuComputeDtypeTests
{
    private static CpuInfo Cpu(params string[] flags) => new("AuthenticAMD", "test", 2, new HashSet<string>(flags));

    [Theory]
    [InlineData(new[] { "avx2", "fma", "avx512f", "avx512_bf16" }, ScalarType.BFloat16, "avx512_bf16")]
    [InlineData(new[] { "avx2", "fma", "amx_bf16", "amx_tile" }, ScalarType.BFloat16, "amx_bf16")]
    [InlineData(new[] { "avx2", "fma", "avx512f" }, ScalarType.Float32, "lacks")]
    [InlineData(new[] { "avx2", "fma" }, ScalarType.Float32, "lacks")]
    public void Flags_decide_when_no_override(string[] flags, ScalarType expected, string reasonPart)
    {
        var (dtype, reason) = CpuComputeDtype.Choose(Cpu(flags), null);
        Assert.Equal(expected, dtype);
        Assert.Contains(reasonPart, reason);
    }

    [Fact]
    public void Override_wins_over_flags_both_ways_and_rejects_other_values()
    {
        Assert.Equal(ScalarType.Float32, CpuComputeDtype.Choose(Cpu("avx512_bf16"), "0").Dtype);
        Assert.Equal(ScalarType.BFloat16, CpuComputeDtype.Choose(Cpu("avx2"), "1").Dtype);
        Assert.Contains("LLM4EHR_CPU_BF16=1", CpuComputeDtype.Choose(Cpu("avx2"), "1").Reason);
        Assert.Throws<BadInputException>(() => CpuComputeDtype.Choose(Cpu(), "yes"));
    }

    [Fact]
    public void Small_models_keep_float32_on_a_bf16_cpu_unless_overridden()
    {
        var bf16Cpu = Cpu("avx512f", "avx512_bf16");
        var (small, reason) = CpuComputeDtype.Choose(bf16Cpu, null, hiddenSize: 64);
        Assert.Equal(ScalarType.Float32, small);
        Assert.Contains("hidden size 64 < 512", reason);
        Assert.Equal(ScalarType.BFloat16, CpuComputeDtype.Choose(bf16Cpu, null, hiddenSize: CpuComputeDtype.MinBf16HiddenSize).Dtype);
        Assert.Equal(ScalarType.BFloat16, CpuComputeDtype.Choose(bf16Cpu, null, hiddenSize: null).Dtype);
        Assert.Equal(ScalarType.BFloat16, CpuComputeDtype.Choose(bf16Cpu, "1", hiddenSize: 64).Dtype);
        Assert.Equal(ScalarType.Float32, CpuComputeDtype.Choose(Cpu("avx2"), null, hiddenSize: 4096).Dtype);
    }

    [Fact]
    public void The_hidden_size_comes_from_the_tiny_settings_or_the_folders_config()
    {
        string dir = Directory.CreateTempSubdirectory("llm4ehr-hidden").FullName;
        try
        {
            var tiny = new TinyLlamaSettings(64, 2, 4, 2, 176, null, 0);
            Assert.Equal(64, ClassifierFactory.DeclaredHiddenSize(new ModelSettings(dir, tiny, "cpu", "auto", false)));
            Assert.Null(ClassifierFactory.DeclaredHiddenSize(new ModelSettings(dir, null, "cpu", "auto", false))); // no config.json yet
            File.WriteAllText(Path.Combine(dir, "config.json"), """{ "hidden_size": 4096, "num_attention_heads": 32 }""");
            Assert.Equal(4096, ClassifierFactory.DeclaredHiddenSize(new ModelSettings(dir, null, "cpu", "auto", false)));
            File.WriteAllText(Path.Combine(dir, "config.json"), "\uFEFF{ \"hidden_size\": 64.0 }"); // as the loader accepts it
            Assert.Equal(64, ClassifierFactory.DeclaredHiddenSize(new ModelSettings(dir, null, "cpu", "auto", false)));
            File.WriteAllText(Path.Combine(dir, "config.json"), "{ not json");
            Assert.Null(ClassifierFactory.DeclaredHiddenSize(new ModelSettings(dir, null, "cpu", "auto", false)));
            Assert.Null(ClassifierFactory.DeclaredHiddenSize(new ModelSettings("", null, "cpu", "auto", false)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Explicit_config_dtype_beats_auto_and_says_so()
    {
        var f32 = ClassifierFactory.ResolveCompute(new ModelSettings("", null, "cpu", "float32", false));
        Assert.Equal((ScalarType.Float32, "model.dtype: float32"), (f32.Dtype, f32.Reason));
        var auto = ClassifierFactory.ResolveCompute(new ModelSettings("", null, "cpu", "auto", false));
        Assert.Equal(CpuComputeDtype.Choose().Dtype, auto.Dtype);
        Assert.StartsWith("auto:", auto.Reason);
    }
}
