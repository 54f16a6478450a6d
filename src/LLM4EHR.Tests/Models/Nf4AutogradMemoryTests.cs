using LLM4EHR.Runtime;
using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>What autograd keeps alive between an NF4 forward and its backward.</summary>
[Collection(ProcessMemoryCollection.Name)]
public class Nf4AutogradMemoryTests
{
    // 64 MiB per dequantized f32 W: above glibc's largest mmap threshold (32 MiB), so every such block is mapped on
    // allocation and unmapped on free, and RSS follows what is alive rather than what the heap happens to retain.
    private const int Layers = 4, Dim = 4096, Tokens = 4;

    [Fact]
    public void A_graph_through_nf4_layers_holds_no_dequantized_weight()
    {
        using var scope = NewDisposeScope();
        var stack = new List<Nf4Linear>();
        using (var g = new Generator(17, CPU))
            for (int i = 0; i < Layers; i++)
                using (var w = (randn([64, Dim], generator: g) * 0.02f).repeat(Dim / 64, 1)) // cheap to draw
                    stack.Add(new Nf4Linear(w, doubleQuant: true));
        var x = randn(Tokens, Dim).requires_grad_(true);                 // [T, D]
        Tensor Forward()
        {
            using var step = NewDisposeScope();
            var h = x;
            foreach (var layer in stack) h = layer.forward(h);
            return h.MoveToOuterDisposeScope();                            // [T, D]
        }
        // Warm-up: libtorch and the allocator have seen one full-size dequantization and a backward.
        using (var warm = Forward()) warm.sum().backward();
        x.grad = null;

        double before = RssMb();
        var y = Forward();
        double held = RssMb() - before;
        double weightsMb = (double)Layers * Dim * Dim * sizeof(float) / (1 << 20);
        // Plain autograd saves each layer's dequantized f32 W for the input gradient: >= weightsMb (256 MiB).
        Assert.True(held < 0.25 * weightsMb, $"the graph holds {held:F1} MiB; the f32 weights are {weightsMb:F0} MiB");

        y.sum().backward();
        Assert.Equal(x.shape, x.grad!.shape);
        Assert.True(x.grad.abs().sum().item<float>() > 0);
        foreach (var layer in stack) layer.Dispose();
    }

    [Fact]
    public void Backward_leaves_no_gradient_in_the_callers_dispose_scope_and_the_next_step_frees_it()
    {
        // The training step's scope would otherwise hold every layer's input gradient (and TorchSharp's wrapper of
        // its incoming one) until the step ends.
        using var scope = NewDisposeScope();
        var stack = new List<Nf4Linear>();
        using (var g = new Generator(5, CPU))
            for (int i = 0; i < 3; i++)
                using (var w = randn([64, 64], generator: g))
                    stack.Add(new Nf4Linear(w));
        var x = randn(8, 64).requires_grad_(true);                       // [T, D]
        var h = x;
        foreach (var layer in stack) h = layer.forward(h);
        var loss = h.sum();
        long beforeBackward = scope.DisposablesCount;

        loss.backward();

        Assert.Equal(beforeBackward, scope.DisposablesCount);
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        // The last gradient handed over, held outside every scope, is freed by the next custom forward on the thread
        // (the engine took its own reference).
        long freedOutside = DisposeScopeManager.Statistics.DisposedOutsideScopeCount;
        using (var next = stack[0].forward(randn(1, 64).requires_grad_(true))) { }
        Assert.True(DisposeScopeManager.Statistics.DisposedOutsideScopeCount > freedOutside);
        foreach (var layer in stack) layer.Dispose();
    }

    private static double RssMb() =>
        ProcessMemory.CurrentRssMb() ?? System.Diagnostics.Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
}
