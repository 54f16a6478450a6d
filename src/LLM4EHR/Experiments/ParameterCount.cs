using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models.Llama;

namespace LLM4EHR.Experiments;

/// <summary>
/// Parameters of an experiment's classifier counted from its config and the base model's config.json (no weights
/// loaded): <see cref="Trainable"/> = LoRA A [r, in] and B [out, r] on each targeted projection of every layer
/// (none without LoRA) + the pooled head [K, H] and bias; <see cref="Total"/> = the backbone (no LM head) + those.
/// </summary>
public sealed record ParameterCount(long Total, long Trainable)
{
    /// <summary>The counts, or null when the model folder has no config.json (e.g. a checkpoint not on this machine).</summary>
    public static ParameterCount? TryFor(ExperimentConfig config) =>
        !File.Exists(Path.Combine(config.Model.Path, LlamaConfig.FileName)) ? null
        : config.Model.Type.IsEncoder() ? ForEncoder(config)
        : For(config, LlamaConfig.Load(config.Model.Path));

    /// <summary>The counts of the config's model family (Llama: config.json; encoders: safetensors headers).</summary>
    public static ParameterCount Of(ExperimentConfig config) =>
        config.Model.Type.IsEncoder() ? ForEncoder(config) : For(config, LlamaConfig.Load(config.Model.Path));

    /// <summary>An encoder classifier's counts (<see cref="Models.Encoders.EncoderParameterCount"/>).</summary>
    public static ParameterCount ForEncoder(ExperimentConfig config)
    {
        var (total, trainable) = Models.Encoders.EncoderParameterCount.For(config);
        return new ParameterCount(total, trainable);
    }

    /// <summary>
    /// Counted on a built model (families without a config.json shape): trainable = what the optimizer updates;
    /// total = that plus every frozen backbone parameter (a fusion's note backbone included).
    /// </summary>
    public static ParameterCount Of(Models.PooledClassifier model)
    {
        long trainable = model.TrainableParameters().Sum(p => p.Parameter.numel());
        var modules = new List<TorchSharp.torch.nn.Module> { model.Backbone.Module };
        if (model.Backbone is Models.Fusion.FusionBackbone fusion)
            modules.Add(fusion.Notes.Module);
        long frozen = modules.SelectMany(m => m.parameters()).Where(p => !p.requires_grad).Sum(p => p.numel());
        return new ParameterCount(trainable + frozen, trainable);
    }

    public static ParameterCount For(ExperimentConfig config, LlamaConfig shape)
    {
        long head = (long)config.Task.LabelCount() * (shape.HiddenSize + 1);
        long adapters = 0;
        if (config.Lora.Enabled)
        {
            long perLayer = config.Lora.Targets.Sum(t =>
            {
                var (inFeatures, outFeatures) = LlamaProjections.Shape(shape, t);
                return (long)config.Lora.R * (inFeatures + outFeatures);
            });
            adapters = shape.NumHiddenLayers * perLayer;
        }
        return new ParameterCount(LlamaMemoryEstimate.For(shape).Parameters + adapters + head, adapters + head);
    }
}
