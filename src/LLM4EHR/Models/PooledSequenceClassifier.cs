using LLM4EHR.Models.Lora;
using LLM4EHR.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models;

/// <summary>
/// Frozen backbone (optionally NF4) + optional LoRA adapters + <see cref="PooledClassifierHead"/>, as one
/// <see cref="ISequenceClassifier"/>. Written against abstractions only: the backbone is any module that exposes its
/// linears through <see cref="ILinearHost"/> and computes a last hidden state [B, T, H] for a token batch (the Llama
/// model plugs in here). Every backbone parameter is frozen on construction; only adapters and head train.
/// Owns the backbone and head (disposes them).
/// </summary>
public sealed class PooledSequenceClassifier : ISequenceClassifier
{
    private readonly Module _backbone;
    private readonly Func<TokenBatch, Tensor> _lastHiddenState;

    /// <param name="backbone">The model's root module (frozen here, switched train/eval with the classifier).</param>
    /// <param name="linears">The same model seen as a linear host (adapters are injected through it).</param>
    /// <param name="lastHiddenState">Batch → last hidden state [B, T, H] (after the final norm).</param>
    /// <param name="head">The pooled head (hidden size must match the backbone's).</param>
    /// <param name="lora">Adapter settings, or null for a frozen backbone with a trained head only.</param>
    public PooledSequenceClassifier(Module backbone, ILinearHost linears, Func<TokenBatch, Tensor> lastHiddenState,
        PooledClassifierHead head, LoraSettings? lora)
    {
        _backbone = backbone;
        _lastHiddenState = lastHiddenState;
        Head = head;
        // Freeze first: adapters created afterwards are the only new trainable tensors inside the backbone.
        foreach (var p in backbone.parameters())
            p.requires_grad = false;
        Adapters = lora is null ? null : LoraInjector.Inject(linears, lora);
        Head.to(DeviceOfBackbone() ?? CPU);
    }

    public PooledClassifierHead Head { get; }
    /// <summary>The backbone's root module (adapters included once injected), e.g. to measure what it holds.</summary>
    public Module Backbone => _backbone;
    /// <summary>The injected adapters, or null when only the head trains.</summary>
    public LoraAdapterSet? Adapters { get; }
    public LoraSettings? LoraSettings => Adapters?.Settings;
    public int LabelCount => Head.LabelCount;

    /// <summary>Logits [B, K] float32.</summary>
    public Tensor Logits(TokenBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = _lastHiddenState(batch);                          // [B, T, H]
        return Head.forward(hidden, batch.AttentionMask).MoveToOuterDisposeScope(); // [B, K]
    }

    /// <summary>The backbone's last hidden state [B, T, H] (after the final norm), before pooling: for inspection.</summary>
    public Tensor LastHiddenState(TokenBatch batch) => _lastHiddenState(batch);

    /// <summary>LoRA A/B (<c>lora.{module}.lora_A.weight</c>, …) then <c>head.weight</c>, <c>head.bias</c>.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters()
    {
        var list = new List<(string, Parameter)>();
        if (Adapters is not null)
            list.AddRange(Adapters.NamedParameters());
        list.Add(("head.weight", Head.Weight));
        list.Add(("head.bias", Head.Bias));
        return list;
    }

    public void SetTrainingMode(bool training)
    {
        _backbone.train(training);
        // Adapters sit inside the backbone when the host registers them, but not every host must: set them too.
        Adapters?.SetTrainingMode(training);
        Head.train(training);
    }

    private Device? DeviceOfBackbone() =>
        _backbone.parameters().Select(p => p.device).Concat(_backbone.buffers().Select(b => b.device)).FirstOrDefault();

    public void Dispose()
    {
        _backbone.Dispose();
        Head.Dispose();
    }
}
