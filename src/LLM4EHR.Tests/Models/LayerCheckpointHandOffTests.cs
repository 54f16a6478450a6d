using LLM4EHR.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>A checkpointed layer's backward leaves nothing in the training step's dispose scope (AutogradHandOff).</summary>
public sealed class LayerCheckpointHandOffTests
{
    private sealed class ScaledLinear : nn.Module<Tensor, Tensor>, ICheckpointLayer
    {
        private readonly nn.Module<Tensor, Tensor> proj;

        public ScaledLinear() : base(nameof(ScaledLinear))
        {
            proj = nn.Linear(8, 8);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, IReadOnlyList<Tensor?> context)
        {
            using var scope = NewDisposeScope();
            return (proj.call(x).tanh() * context[0]!).MoveToOuterDisposeScope();   // [T, 8]
        }

        public override Tensor forward(Tensor x) => Forward(x, [ones(1)]);

        public List<Parameter> TrainableParameters() => [.. parameters()];
    }

    [Fact]
    public void Backward_leaves_no_gradient_in_the_callers_scope_and_gradients_match_the_plain_layers()
    {
        using var scope = NewDisposeScope();
        var layers = new[] { new ScaledLinear(), new ScaledLinear() };
        var x = randn(4, 8).requires_grad_(true);
        var scale = full(1, 0.5f);
        var h = x;
        foreach (var layer in layers) h = LayerCheckpoint.Run(layer, h, scale);
        var loss = h.square().sum();
        long beforeBackward = scope.DisposablesCount;

        loss.backward();

        Assert.Equal(beforeBackward, scope.DisposablesCount);
        var checkpointed = x.grad!.clone();
        x.grad = null;
        var plain = x;
        foreach (var layer in layers) plain = layer.Forward(plain, [scale]);
        plain.square().sum().backward();
        Assert.True(TensorAssert.MaxDiff(checkpointed, x.grad!) < 1e-6, $"input gradients differ by {TensorAssert.MaxDiff(checkpointed, x.grad!)}");
        foreach (var layer in layers) layer.Dispose();
    }
}
