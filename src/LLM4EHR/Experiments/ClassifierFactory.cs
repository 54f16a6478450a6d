using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Experiments;

/// <summary>
/// Builds the experiment's model from its config (<c>model.type</c> picks the family). Every family is a
/// <see cref="PooledClassifier"/>: for the Llama baseline, the backbone NF4-quantized tensor by tensor while it loads
/// when asked, LoRA adapters on the target projections, and the mask-mean-pooled linear head.
/// </summary>
public static class ClassifierFactory
{
    /// <summary>
    /// The device and dtype a config asks for (<c>dtype: auto</c> = bf16 on CUDA; on CPU bf16 where native and the
    /// model is not small, else f32: <see cref="CpuComputeDtype"/>).
    /// </summary>
    public static ComputeDevice ResolveCompute(ModelSettings model)
    {
        var compute = ComputeDevice.Resolve(model.Device);
        return model.Dtype switch
        {
            "float32" => compute with { Dtype = ScalarType.Float32, Reason = "model.dtype: float32" },
            "bfloat16" => compute with { Dtype = ScalarType.BFloat16, Reason = "model.dtype: bfloat16" },
            _ when compute.IsCuda => compute with { Reason = "auto: CUDA computes in bfloat16" },
            _ => CpuAuto(compute, model),
        };
    }

    private static ComputeDevice CpuAuto(ComputeDevice cpu, ModelSettings model)
    {
        var (dtype, reason) = CpuComputeDtype.Choose(DeclaredHiddenSize(model));
        return cpu with { Dtype = dtype, Reason = reason };
    }

    /// <summary>
    /// The hidden size the config's model will have: <c>model.tiny.hidden</c>, else <c>hidden_size</c> in the folder's
    /// config.json; null when neither says (no folder yet, a family without one, an unreadable file, which the load
    /// itself then reports).
    /// </summary>
    internal static int? DeclaredHiddenSize(ModelSettings model)
    {
        if (model.Tiny is { } tiny)
            return tiny.Hidden;
        string file = Path.Combine(model.Path, "config.json");
        if (model.Path.Length == 0 || !File.Exists(file))
            return null;
        try
        {
            // Read as the loader reads it (a BOM, or 512.0 for 512, is fine there too).
            return new JsonConfigReader(JsonConfigReader.ParseObject(File.ReadAllText(file), file), file).OptionalInt("hidden_size");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadInputException)
        {
            return null;
        }
    }

    public static PooledClassifier Build(ExperimentConfig config, ComputeDevice compute, IProgress<(int Done, int Total)>? loadProgress = null) =>
        config.Model.Type switch
        {
            ModelType.Llama when config.Embeddings.Cache is not null => Models.Fusion.FusionClassifiers.BuildProbe(config, compute),
            ModelType.Llama => BuildLlama(config, compute, loadProgress),
            ModelType.Belt or ModelType.Longformer or ModelType.Bigbird => Models.Encoders.EncoderClassifiers.Build(config, compute),
            ModelType.Lstm or ModelType.Cnn or ModelType.Logreg => Models.TimeSeries.TimeSeriesClassifiers.Build(config, compute),
            ModelType.Fusion => Models.Fusion.FusionClassifiers.BuildFusion(config, compute, () => LoadLlama(config, compute, loadProgress)),
            var other => throw new BadInputException($"model.type: '{other.Word()}' is not available in this build yet"),
        };

    private static PooledClassifier BuildLlama(ExperimentConfig config, ComputeDevice compute, IProgress<(int Done, int Total)>? loadProgress) =>
        Build(config.Model.Path, config.Quantization, config.Lora.ToAdapterSettings(config.Training.Seed), config.Model.GradientCheckpointing,
            config.Task.LabelCount(), config.Training.Seed, compute, loadProgress, config.Model.CheckWeights);

    /// <summary>
    /// The same model from its parts: the HF folder at <paramref name="modelPath"/> (quantized while it streams in when
    /// <paramref name="quantization"/> asks), adapters from <paramref name="lora"/> (null: head only), a head of
    /// <paramref name="labelCount"/> outputs seeded with <paramref name="seed"/>.
    /// </summary>
    public static PooledClassifier Build(string modelPath, QuantizationSettings quantization, Models.Lora.LoraSettings? lora,
        bool gradientCheckpointing, int labelCount, long seed, ComputeDevice compute, IProgress<(int Done, int Total)>? loadProgress = null,
        bool checkWeights = true)
    {
        var llama = LoadLlama(modelPath, quantization, gradientCheckpointing, compute, loadProgress, checkWeights);

        var head = new PooledClassifierHead(llama.Config.HiddenSize, labelCount, seed);
        return new PooledClassifier(llama, head, lora);
    }

    private static LlamaModel LoadLlama(ExperimentConfig config, ComputeDevice compute, IProgress<(int Done, int Total)>? loadProgress) =>
        LoadLlama(config.Model.Path, config.Quantization, config.Model.GradientCheckpointing, compute, loadProgress, config.Model.CheckWeights);

    /// <summary>The Llama backbone alone (NF4-quantized while it streams in when asked).</summary>
    public static LlamaModel LoadLlama(string modelPath, QuantizationSettings quantization, bool gradientCheckpointing, ComputeDevice compute,
        IProgress<(int Done, int Total)>? loadProgress = null, bool checkWeights = true)
    {
        LinearFactory? quantize = null;
        if (quantization.Nf4)
        {
            var nf4 = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = quantization.DoubleQuant });
            quantize = (name, weight, bias) => nf4(name, weight, bias);
        }
        var llama = LlamaLoader.Load(modelPath, new LlamaLoadOptions { Compute = compute, LinearFactory = quantize, Progress = loadProgress, CheckFinite = checkWeights });
        llama.GradientCheckpointing = gradientCheckpointing;
        return llama;
    }
}
