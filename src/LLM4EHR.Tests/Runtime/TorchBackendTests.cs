using LLM4EHR.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Runtime;

/// <summary>Proves the patched libLibTorchSharp.so loads on this machine and computes.</summary>
public class TorchBackendTests
{
    [Fact]
    public void Matmul_runs_and_gives_the_right_numbers()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Cpu_resolves_to_float32_and_unknown_device_is_bad_input()
    {
        Assert.Equal(ScalarType.Float32, ComputeDevice.Resolve("cpu").Dtype);
        Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve("CPU").Device.type);
        var e = Assert.Throws<BadInputException>(() => ComputeDevice.Resolve("tpu"));
        Assert.Contains("tpu", e.Message);
    }
}
