using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Memory;
using static TorchSharp.torch;

namespace LLM4EHR.Experiments;

/// <summary>
/// An experiment config as a <see cref="MemoryPlanRequest"/>: its model's shape, one micro-batch of
/// <c>training.batch_size</c> × <c>text.max_tokens</c>, its quantization, adapters and checkpointing.
/// </summary>
public static class ExperimentMemoryPlan
{
    /// <summary>
    /// The shape a config trains: <paramref name="preset"/> when given (no weights needed), else the
    /// <c>config.json</c> at <c>model.path</c>, else the <c>model.tiny</c> shape the demo would create there.
    /// <c>Source</c> says which, in words.
    /// </summary>
    public static (LlamaConfig Shape, string Source) ModelShape(ExperimentConfig config, string? preset)
    {
        if (!SeriesPipeline.NeedsModelFolder(config))
            throw new BadInputException($"model.type: the memory plan models the Llama's training step; a {config.Model.Type.Word()} model" +
                $"{(config.Embeddings.Cache is null ? "" : " on cached note embeddings")} loads no Llama (its step is a small fraction of one)");
        if (config.Model.Type.IsEncoder())
        {
            int seq = EncoderSettings.ForwardTokens(config.Model, config.Text.MaxTokens);
            throw new BadInputException($"model.type: the memory plan models the Llama's training step, not a {config.Model.Type.Word()} encoder's; " +
                $"measure one with llm4ehr bench encoder --model {EncoderClassifiers.Family(config.Model.Type).ToString().ToLowerInvariant()} --seq {seq} (peak_rss_mb, scores_mb)");
        }
        string json = Path.Combine(config.Model.Path, LlamaConfig.FileName);
        if (preset is not null)
            return (LlamaPresets.Get(preset), $"preset {preset}");
        if (File.Exists(json))
            return (LlamaConfig.Load(config.Model.Path), json);
        if (config.Model.Tiny is { } tiny)
            return (DemoAssets.TinyModelOptions(tiny).ToConfig(), "model.tiny");
        throw new BadInputException(
            $"{config.Model.Path}: model.path: no config.json to plan from (and no model.tiny); name the shape with --preset {string.Join("|", LlamaPresets.Names)}");
    }

    /// <summary>The request for a CUDA device (bf16 unless <c>model.dtype: float32</c>) or the CPU (f32 unless bfloat16).</summary>
    public static MemoryPlanRequest Request(ExperimentConfig config, LlamaConfig model, bool cuda)
    {
        var compute = (cuda, config.Model.Dtype) switch
        {
            (_, "float32") => ScalarType.Float32,
            (_, "bfloat16") => ScalarType.BFloat16,
            (true, _) => ScalarType.BFloat16,
            _ => ScalarType.Float32,
        };
        var q = config.Quantization;
        return new MemoryPlanRequest
        {
            Model = model,
            SequenceLength = config.Text.MaxTokens,
            BatchSize = config.Training.BatchSize,
            GradAccum = config.Training.GradAccum,
            Weights = !q.Nf4 ? WeightFormat.Full : q.DoubleQuant ? WeightFormat.Nf4DoubleQuant : WeightFormat.Nf4,
            Compute = compute,
            Cuda = cuda,
            LoraRank = config.Lora.Enabled ? config.Lora.R : null,
            LoraTargets = config.Lora.Targets,
            LoraDropout = config.Lora.Dropout,
            Labels = config.Task.LabelCount(),
            GradientCheckpointing = config.Model.GradientCheckpointing,
        };
    }
}
