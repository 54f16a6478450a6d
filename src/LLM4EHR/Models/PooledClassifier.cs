using LLM4EHR.Models;
using LLM4EHR.Models.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// A backbone, optional LoRA adapters on its linears, and a <see cref="PooledClassifierHead"/>: every model family
/// the benchmark trains is one of these. A pretrained backbone (Llama, a clinical encoder) is frozen and trains only
/// through its adapters; a backbone trained from scratch (LSTM, CNN) trains whole (<c>trainBackbone</c>).
/// Owns the backbone and the head (disposes them).
/// </summary>
public sealed class PooledClassifier : ISequenceClassifier
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _backboneTrainable;

    /// <param name="backbone">Representations [B, T, H] and the mask to pool them over.</param>
    /// <param name="head">The pooled head (hidden size must match the backbone's).</param>
    /// <param name="lora">Adapter settings, or null for no adapters.</param>
    /// <param name="trainBackbone">Train every backbone parameter (named <c>backbone.&lt;name&gt;</c>) instead of freezing it.</param>
    public PooledClassifier(IBackbone backbone, PooledClassifierHead head, LoraSettings? lora, bool trainBackbone = false)
    {
        if (head.HiddenSize != backbone.HiddenSize)
            throw new ArgumentException($"head hidden size {head.HiddenSize} != backbone's {backbone.HiddenSize}", nameof(head));
        Backbone = backbone;
        Head = head;
        // Freeze first: adapters created afterwards are the only new trainable tensors inside a frozen backbone.
        foreach (var p in backbone.Module.parameters())
            p.requires_grad = trainBackbone;
        _backboneTrainable = trainBackbone
            ? [.. backbone.Module.named_parameters().Select(p => ("backbone." + p.name, p.parameter))]
            : [];
        if (lora is not null)
            Adapters = LoraInjector.Inject(backbone.Linears
                ?? throw new ArgumentException("this backbone has no linears for LoRA adapters", nameof(lora)), lora);
        Head.to(DeviceOfBackbone() ?? Head.Weight.device); // a backbone without tensors (features, cached embeddings) leaves the head where it was built
    }

    public IBackbone Backbone { get; }
    public PooledClassifierHead Head { get; }
    /// <summary>The injected adapters, or null when none.</summary>
    public LoraAdapterSet? Adapters { get; }
    public LoraSettings? LoraSettings => Adapters?.Settings;
    public int LabelCount => Head.LabelCount;

    /// <summary>λ of an L2 penalty λ/2·‖head.weight‖² on the head (logistic regression; 0: none, the default).</summary>
    public double HeadL2 { get; init; }

    /// <summary>The head's L2 penalty, or null when <see cref="HeadL2"/> is 0.</summary>
    public Tensor? Penalty() => HeadL2 > 0 ? Head.Weight.square().sum() * (0.5 * HeadL2) : null;

    /// <summary>Logits [B, K] float32.</summary>
    public Tensor Logits(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var (hidden, mask) = Backbone.Encode(batch);                            // [B, T, H], [B, T]
        return Head.forward(hidden, mask).MoveToOuterDisposeScope();            // [B, K]
    }

    /// <summary>The backbone's representations [B, T, H] before pooling: for inspection.</summary>
    public Tensor LastHiddenState(StayBatch batch)
    {
        var (hidden, mask) = Backbone.Encode(batch);
        mask.Dispose();
        return hidden;
    }

    /// <summary>LoRA A/B (<c>lora.{module}.lora_A.weight</c>, …), then backbone parameters when trained, then <c>head.weight</c>, <c>head.bias</c>.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters()
    {
        var list = new List<(string, Parameter)>();
        if (Adapters is not null)
            list.AddRange(Adapters.NamedParameters());
        list.AddRange(_backboneTrainable);
        list.Add(("head.weight", Head.Weight));
        list.Add(("head.bias", Head.Bias));
        return list;
    }

    public void SetTrainingMode(bool training)
    {
        Backbone.Module.train(training);
        // Adapters sit inside the backbone when the host registers them, but not every host must: set them too.
        Adapters?.SetTrainingMode(training);
        Head.train(training);
    }

    private Device? DeviceOfBackbone() =>
        Backbone.Module.parameters().Select(p => p.device).Concat(Backbone.Module.buffers().Select(b => b.device)).FirstOrDefault();

    public void Dispose()
    {
        Backbone.Dispose();
        Head.Dispose();
    }
}
