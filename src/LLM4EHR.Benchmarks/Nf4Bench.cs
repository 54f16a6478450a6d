using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using LLM4EHR.SafeTensors;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// Measurements behind <c>llm4ehr bench nf4</c>: storage bits per weight, NF4 vs f32 forward time of the same
/// linear stack, quantization throughput, and peak RSS of loading a wide checkpoint quantized tensor by tensor
/// vs unquantized (each load must run in its own fresh process: VmHWM never goes down).
/// </summary>
public static class Nf4Bench
{
    /// <summary>
    /// Times <paramref name="layers"/> chained dim×dim linears on <paramref name="tokens"/> tokens, f32 weights vs the
    /// same weights NF4 with double quantization (dequantized inside every forward, as QLoRA does).
    /// </summary>
    public static Nf4ForwardResult Forward(int layers, int dim, int tokens, int runs, long seed)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var f32 = Enumerable.Range(0, layers).Select(_ => Linear(dim, dim, hasBias: false)).ToList();
        var nf4 = f32.Select(l => new Nf4Linear(l.weight!, null, doubleQuant: true)).ToList();
        using var single = new Nf4Linear(f32[0].weight!, null, doubleQuant: false);
        var x = randn(tokens, dim);                                    // [T, D]
        using var noGrad = no_grad();
        TimingStats Time(IReadOnlyList<Module<Tensor, Tensor>> stack) => BenchTimer.Measure(() =>
        {
            using var s = NewDisposeScope();
            var h = x;
            foreach (var l in stack) h = l.forward(h);
        }, warmups: 1, runs: runs);
        var tF32 = Time(f32);
        var tNf4 = Time(nf4);
        double bits = nf4.Sum(q => q.QuantizedBytes) * 8.0 / nf4.Sum(q => q.InFeatures * q.OutFeatures);
        foreach (var m in f32) m.Dispose();
        foreach (var m in nf4) m.Dispose();
        return new Nf4ForwardResult(bits, single.BitsPerParameter, tF32, tNf4);
    }

    /// <summary>Writes <paramref name="layers"/> random F32 [rows, cols] weights named like Llama MLP projections.</summary>
    public static void WriteWideCheckpoint(string path, int layers, int rows, int cols, long seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed, CPU);
        var tensors = Enumerable.Range(0, layers)
            .Select(i => KeyValuePair.Create($"model.layers.{i}.mlp.up_proj.weight", randn([rows, cols], generator: g) * 0.02f))
            .ToList();
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>
    /// Loads every tensor of <paramref name="path"/> and keeps the result (F32 tensors, or <see cref="Nf4Linear"/>s
    /// built by the loader factory, each F32 weight freed right after quantizing), then reports peak RSS.
    /// The file is reopened per tensor: a safetensors mapping keeps the pages it has touched resident until it is
    /// unmapped, which would count the whole file towards RSS however little the loader keeps.
    /// </summary>
    public static Nf4LoadResult LoadAndMeasure(string path, bool quantize)
    {
        using var warm = zeros(1); // libtorch initialised before the baseline
        double baseline = ProcessMemory.CurrentRssMb() ?? double.NaN;
        List<string> names;
        using (var header = SafeTensorsFile.Open(path))
            names = header.Tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var factory = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = true });
        var kept = new List<IDisposable>();
        double quantMs = 0;
        long elements = 0;
        foreach (var name in names)
        {
            Tensor weight;
            using (var file = SafeTensorsFile.Open(path))
                weight = file.Load(name);
            if (!quantize)
            {
                kept.Add(weight);
                continue;
            }
            using (weight)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                var module = factory(name[..^".weight".Length], weight, null)
                    ?? throw new InvalidOperationException($"{name}: not selected for quantization");
                quantMs += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                elements += weight.numel();
                kept.Add(module);
            }
        }
        double held = (ProcessMemory.CurrentRssMb() ?? double.NaN) - baseline;
        double peak = ProcessMemory.PeakRssMb() ?? double.NaN;
        foreach (var k in kept) k.Dispose();
        return new Nf4LoadResult(baseline, peak, held, quantize ? elements / 1e6 / (quantMs / 1000) : 0, names.Count);
    }
}

/// <summary>
/// Storage bits per weight with double quantization (the timed stack) and without (one layer of the same shape),
/// and f32 vs NF4 forward times (<see cref="Nf4Bench.Forward"/>).
/// </summary>
public sealed record Nf4ForwardResult(double BitsPerParam, double BitsPerParamNoDoubleQuant, TimingStats F32, TimingStats Nf4);

/// <summary>Memory and quantization throughput of one checkpoint load (<see cref="Nf4Bench.LoadAndMeasure"/>).</summary>
public sealed record Nf4LoadResult(double BaselineMb, double PeakMb, double HeldMb, double QuantizeMelemPerS, int Tensors);
