using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Experiments;

/// <summary>
/// Builds the experiment's model from its config: the Llama backbone (NF4-quantized tensor by tensor while it
/// loads when asked), LoRA adapters on the target projections, and the mask-mean-pooled linear head.
/// </summary>
public static class ClassifierFactory
{
    /// <summary>The device and dtype a config asks for (<c>dtype: auto</c> = bf16 on CUDA; on CPU bf16 where native, else f32).</summary>
    public static ComputeDevice ResolveCompute(ModelSettings model)
    {
        var compute = ComputeDevice.Resolve(model.Device);
        return model.Dtype switch
        {
            "float32" => compute with { Dtype = ScalarType.Float32, Reason = "model.dtype: float32" },
            "bfloat16" => compute with { Dtype = ScalarType.BFloat16, Reason = "model.dtype: bfloat16" },
            _ when compute.IsCuda => compute with { Reason = "auto: CUDA computes in bfloat16" },
            _ => CpuAuto(compute),
        };
    }

    private static ComputeDevice CpuAuto(ComputeDevice cpu)
    {
        var (dtype, reason) = CpuComputeDtype.Choose();
        return cpu with { Dtype = dtype, Reason = reason };
    }

    public static PooledSequenceClassifier Build(ExperimentConfig config, ComputeDevice compute, IProgress<(int Done, int Total)>? loadProgress = null)
    {
        LinearFactory? quantize = null;
        if (config.Quantization.Nf4)
        {
            var nf4 = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = config.Quantization.DoubleQuant });
            quantize = (name, weight, bias) => nf4(name, weight, bias);
        }
        var llama = LlamaLoader.Load(config.Model.Path, new LlamaLoadOptions { Compute = compute, LinearFactory = quantize, Progress = loadProgress, CheckFinite = config.Model.CheckWeights });
        llama.GradientCheckpointing = config.Model.GradientCheckpointing;

        var head = new PooledClassifierHead(llama.Config.HiddenSize, config.Task.LabelCount(), config.Training.Seed);
        var lora = config.Lora.ToAdapterSettings(config.Training.Seed);
        return new PooledSequenceClassifier(llama, llama,
            batch => llama.Forward(batch.InputIds, batch.AttentionMask, batch.PositionIds), head, lora);
    }
}
