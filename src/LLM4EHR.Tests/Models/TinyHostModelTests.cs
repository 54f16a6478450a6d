using LLM4EHR.Models.Quantization;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Tests.Models;

public class TinyHostModelTests
{
    [Fact]
    public void Swapping_a_linear_changes_forward_and_registration()
    {
        using var model = new TinyHostModel();
        using var ids = tensor(new long[] { 1, 2, 3, 4 }).view(1, 4);
        using var before = model.forward(ids);
        var name = "model.layers.1.mlp.down_proj";
        var old = model.GetLinear(name);
        var replacement = Linear(48, 32, hasBias: false);
        using (no_grad()) replacement.weight!.zero_();
        model.SetLinear(name, replacement);
        Assert.Same(replacement, model.GetLinear(name));
        Assert.Contains(model.named_parameters(), p => ReferenceEquals(p.parameter, replacement.weight));
        Assert.DoesNotContain(model.named_parameters(), p => ReferenceEquals(p.parameter, ((TorchSharp.Modules.Linear)old).weight));
        using var after = model.forward(ids);
        Assert.False(before.allclose(after));
        Assert.Equal(14, model.LinearNames.Count);
    }
}
