using LLM4EHR.Benchmarks;

namespace LLM4EHR.Tests.Models;

/// <summary>The bench's measurement code runs end to end on a small size (numbers are for `bench nf4`, not asserted).</summary>
[Collection(ProcessMemoryCollection.Name)]
public class Nf4BenchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nf4bench-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Forward_and_load_measurements_run_and_report_double_quant_storage()
    {
        var fwd = Nf4Bench.Forward(layers: 2, dim: 128, tokens: 8, runs: 1, seed: 0);
        // Per 128×128 layer: 4 bits + an 8-bit code per 64-block + one f32 absmax2 (a single 256-block) + the f32 offset.
        Assert.Equal(4 + 8.0 / 64 + (32.0 + 32.0) / (128 * 128), fwd.BitsPerParam, 9);
        Assert.Equal(4.5, fwd.BitsPerParamNoDoubleQuant, 6);

        string file = Path.Combine(_dir, "w.safetensors");
        Nf4Bench.WriteWideCheckpoint(file, layers: 2, rows: 64, cols: 96, seed: 1);
        var q = Nf4Bench.LoadAndMeasure(file, quantize: true);
        var f = Nf4Bench.LoadAndMeasure(file, quantize: false);
        Assert.Equal(2, q.Tensors);
        Assert.Equal(2, f.Tensors);
        if (OperatingSystem.IsLinux())
            Assert.True(q.PeakMb >= q.BaselineMb && q.QuantizeMelemPerS > 0);
    }
}
