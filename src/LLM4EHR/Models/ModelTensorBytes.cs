using LLM4EHR.Models.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// Bytes of the tensors a built model holds, by kind: NF4 state (codes, block scales, biases of quantized linears),
/// embedding tables, trainable parameters (LoRA adapters, head), and every other frozen tensor (norms, plain linears).
/// Exact tensor sizes, not RSS: what a memory plan predicts for the weights, and what a measured RSS is judged against.
/// </summary>
public sealed record ModelTensorBytes(long Nf4, long Embeddings, long Trainable, long Other)
{
    /// <summary>Everything frozen: the base model as held in memory.</summary>
    public long Frozen => Nf4 + Embeddings + Other;

    public static ModelTensorBytes Of(nn.Module model)
    {
        long nf4 = 0, embeddings = 0, trainable = 0, other = 0;
        // Walked by hand: named_modules() leaves out the root, whose own parameters (e.g. a head's) count too.
        void Visit(nn.Module module)
        {
            foreach (var (_, buffer) in module.named_buffers(recurse: false))
            {
                if (module is Nf4Linear) nf4 += Bytes(buffer);
                else other += Bytes(buffer);
            }
            foreach (var (_, p) in module.named_parameters(recurse: false))
            {
                if (p.requires_grad) trainable += Bytes(p);
                else if (module is Embedding) embeddings += Bytes(p);
                else other += Bytes(p);
            }
            foreach (var (_, child) in module.named_children())
                Visit(child);
        }
        Visit(model);
        return new ModelTensorBytes(nf4, embeddings, trainable, other);
    }

    private static long Bytes(Tensor t) => t.numel() * t.ElementSize;
}
