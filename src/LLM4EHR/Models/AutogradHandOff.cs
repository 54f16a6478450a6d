using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// Frees the gradients a custom autograd function's backward hands to the engine, and TorchSharp's wrapper of the
/// gradient it was given, as early as is safe. TorchSharp reads backward's results after backward returns, so they
/// cannot be freed there, and it wraps the incoming gradient in the caller's dispose scope. Left in that scope (the
/// training step's), every such gradient lived until the step ended: an NF4 bench step kept ~180 MB more and faulted
/// it in again every step (163–198 → 114–125 ms once freed early); at 8B with 4,000 tokens, every linear's input
/// gradient of every layer would have stayed. The engine holds its own references once backward has returned, so
/// the next custom forward or backward on the thread frees them (<see cref="FreeEarlier"/>). On the CPU the engine
/// runs backward on the thread that called it, so that is the next layer's backward or the next step's forward; on
/// CUDA backward runs on libtorch's device thread, where the last gradient handed over waits for the next backward.
/// </summary>
internal static class AutogradHandOff
{
    [ThreadStatic] private static List<Tensor>? _pending;

    /// <summary>Frees what earlier backwards on this thread handed over. Call first in every custom forward and backward.</summary>
    public static void FreeEarlier()
    {
        if (_pending is not { Count: > 0 } pending)
            return;
        foreach (var t in pending)
            t.Dispose();
        pending.Clear();
    }

    /// <summary>
    /// A gradient backward returns (null stays null): taken out of every dispose scope and freed by the next
    /// <see cref="FreeEarlier"/> on this thread.
    /// </summary>
    public static Tensor HandOver(Tensor? gradient)
    {
        if (gradient is null || gradient.IsInvalid)
            return null!;
        (_pending ??= []).Add(gradient.DetachFromDisposeScope());
        return gradient;
    }

    /// <summary>Frees TorchSharp's wrapper of the gradient backward was given, once backward has used it.</summary>
    public static void Release(Tensor incoming) => incoming.Dispose();
}
