using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

internal static class TensorAssert
{
    /// <summary>Same shape and bit-identical values (torch.equal; TorchSharp's Tensor.equal is elementwise).</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && (a.numel() == 0 || a.eq(b).all().item<bool>());

    public static void Equal(Tensor expected, Tensor actual, string what = "") =>
        Assert.True(Identical(expected, actual), $"{what}: tensors differ (max |diff| {MaxDiff(expected, actual):g3})");

    public static double MaxDiff(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) ? (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>() : double.NaN;
}
