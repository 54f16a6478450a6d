using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden.

namespace LLM4EHR.Models;

/// <summary>A layer <see cref="LayerCheckpoint"/> can recompute: hidden state in, hidden state out, plus context tensors.</summary>
internal interface ICheckpointLayer
{
    /// <summary>Whether the layer is in training mode (dropout active: the RNG is replayed for the recompute).</summary>
    bool training { get; }

    /// <summary>x [B, T, H] and the layer's context tensors (masks, rotary tables; null where absent) → [B, T, H].</summary>
    Tensor Forward(Tensor x, IReadOnlyList<Tensor?> context);

    /// <summary>Parameters inside the layer that currently require grad (LoRA adapters, unfrozen weights).</summary>
    List<Parameter> TrainableParameters();
}

/// <summary>
/// Activation checkpointing for one transformer layer (Llama decoder or encoder layer), as a custom autograd function: forward runs without grad and
/// keeps only its inputs; backward recomputes the layer with grad enabled and differentiates it.
/// <para>
/// The layer's trainable parameters (LoRA adapters, anything unfrozen) are passed as explicit inputs, so the
/// autograd engine sees the dependency even when the hidden state itself does not require grad (frozen
/// embeddings); their gradients come back through the engine and accumulate in <c>.grad</c> exactly as
/// without checkpointing.
/// </para>
/// <para>
/// In training mode the CPU generator state is captured before the forward and replayed during recompute, so
/// dropout inside the layer (e.g. LoRA dropout) draws the same mask twice; the caller's RNG stream is restored
/// afterwards. TorchSharp exposes no CUDA generator state, so on CUDA the forward instead draws a seed from the
/// CPU generator (itself replayed, so deterministic) and seeds the CUDA generator with it before the layer runs,
/// and the recompute seeds it again with the same value: both passes draw the same CUDA dropout masks.
/// The generator is process-global: as in PyTorch, another thread drawing from it during a step breaks the replay.
/// </para>
/// </summary>
internal sealed class LayerCheckpoint : autograd.SingleTensorFunction<LayerCheckpoint>
{
    public override string Name => nameof(LayerCheckpoint);

    // Argument layout of apply(): layer, context count, x, the context tensors (null where absent), then the layer's
    // trainable parameters.
    private const int FirstContext = 3;

    /// <summary>Runs <paramref name="layer"/> on x [B, T, H] with checkpointing; returns [B, T, H].</summary>
    public static Tensor Run(ICheckpointLayer layer, Tensor x, params Tensor?[] context)
    {
        var args = new List<object?> { layer, context.Length, x };
        args.AddRange(context);
        args.AddRange(layer.TrainableParameters());
        return apply(args.ToArray()!);
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        AutogradHandOff.FreeEarlier();
        var layer = (ICheckpointLayer)vars[0];
        int count = (int)vars[1];
        var x = (Tensor)vars[2];
        var context = vars.Skip(FirstContext).Take(count).Select(v => v as Tensor).ToArray();
        // Saved variables skip nulls: keep which context slots were present to rebuild the list in backward.
        ctx.save_for_backward([x, .. context.Where(c => c is not null)!]);
        ctx.save_data("present", context.Select(c => c is not null).ToArray());
        ctx.save_data("layer", layer);
        ctx.save_data("x_requires_grad", x.requires_grad);
        ctx.save_data("parameters", vars.Skip(FirstContext + count).Cast<Parameter>().ToList());
        byte[]? rng = null;
        long? cudaSeed = null;
        if (layer.training)
        {
            using var state = random.get_rng_state();
            rng = state.data<byte>().ToArray();
            if (x.device.type == DeviceType.CUDA)
            {
                cudaSeed = TorchSeed.Draw(); // from the (replayed) CPU generator, so runs stay deterministic
                cuda.manual_seed(cudaSeed.Value);
            }
        }
        ctx.save_data("rng", rng!);
        ctx.save_data("cuda_seed", cudaSeed!);
        // apply() already runs this under no_grad: nothing but the inputs above is kept.
        return layer.Forward(x, context);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        AutogradHandOff.FreeEarlier();
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var layer = (ICheckpointLayer)ctx.get_data("layer");
        var present = (bool[])ctx.get_data("present");
        bool xRequiresGrad = (bool)ctx.get_data("x_requires_grad");
        var parameters = (List<Parameter>)ctx.get_data("parameters");
        var rng = ctx.get_data("rng") as byte[];

        var x = saved[0].detach().requires_grad_(xRequiresGrad);
        int next = 1;
        var context = present.Select(p => p ? saved[next++] : null).ToArray();
        Tensor? callerRng = null;
        if (rng is not null)
        {
            callerRng = random.get_rng_state();
            random.set_rng_state(tensor(rng));
        }
        if (ctx.get_data("cuda_seed") is long cudaSeed)
            cuda.manual_seed(cudaSeed);
        Tensor output;
        try
        {
            using (enable_grad())
                output = layer.Forward(x, context);
        }
        finally
        {
            if (callerRng is not null)
                random.set_rng_state(callerRng);
        }

        var inputs = new List<Tensor>();
        if (xRequiresGrad) inputs.Add(x);
        inputs.AddRange(parameters);
        var grads = autograd.grad([output], inputs, [gradOutput], allow_unused: true);
        AutogradHandOff.Release(gradOutput);

        // One slot per apply() argument; non-differentiable ones get null. The returned tensors are handed to
        // the engine after this method returns, so they must outlive this scope (AutogradHandOff frees them later).
        var result = new List<Tensor> { null!, null!, xRequiresGrad ? AutogradHandOff.HandOver(grads[0]) : null! };
        result.AddRange(present.Select(_ => (Tensor)null!));
        int offset = xRequiresGrad ? 1 : 0;
        for (int i = 0; i < parameters.Count; i++)
            result.Add(AutogradHandOff.HandOver(grads[offset + i]));
        return result;
    }
}
