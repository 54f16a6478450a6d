using LLM4EHR.Models.Encoders.Bert;
using LLM4EHR.Models.Encoders.BigBird;
using LLM4EHR.Models.Encoders.Longformer;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using LLM4EHR.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// Loads a Hugging Face encoder folder (<c>config.json</c> + <c>model.safetensors</c>, or shards with
/// <c>model.safetensors.index.json</c>) into the family's <see cref="EncoderModel"/>, chosen by <c>model_type</c>.
/// Keys may be bare (a saved <c>BertModel</c>) or carry the task model's prefix (<c>bert.</c> for BertForPreTraining
/// and BigBird's task models, <c>longformer.</c> for LongformerForMaskedLM); pre-training and task heads (<c>cls.*</c>,
/// <c>lm_head.*</c>, …) are ignored. The pooler is built when the checkpoint has one. Loaded weights are frozen.
/// Safetensors only: a folder with just <c>pytorch_model.bin</c> is refused with a conversion hint (unpickling
/// arbitrary PyTorch files is not safe, and this project never does it).
/// </summary>
public static class EncoderLoader
{
    /// <summary>Task-model heads an encoder does not use.</summary>
    public static readonly IReadOnlyList<string> IgnoredPrefixes = ["cls.", "lm_head.", "classifier.", "qa_classifier.", "qa_outputs."];

    /// <summary>The prefix HF task models put before the encoder's keys (their <c>base_model_prefix</c>).</summary>
    public static string TaskPrefix(EncoderFamily family) => family == EncoderFamily.Longformer ? "longformer." : "bert.";

    /// <summary>Loads <paramref name="folder"/>; with <paramref name="expected"/>, a different <c>model_type</c> is bad input.</summary>
    public static EncoderModel Load(string folder, ComputeDevice? compute = null, EncoderFamily? expected = null, bool checkFinite = true)
    {
        compute ??= ComputeDevice.Cpu;
        if (!Directory.Exists(folder))
            throw new BadInputException($"{folder}: model folder not found");
        var config = EncoderConfig.Load(folder);
        if (expected is { } want && want != config.Family)
            throw new BadInputException($"{Path.Combine(folder, EncoderConfig.FileName)}: model_type: '{config.ModelType}', expected '{EncoderConfig.ModelTypeOf(want)}'");
        var files = new List<SafeTensorsFile>();
        EncoderModel? model = null;
        try
        {
            foreach (var shard in WeightFiles(folder))
                files.Add(SafeTensorsFile.Open(shard));
            var keys = KeyMap(folder, files, config.Family);
            model = Create(config, compute.Dtype, withPooler: keys.ContainsKey("pooler.dense.weight") || keys.ContainsKey("pooler.weight"));
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            var missing = parameters.Keys.Where(k => !keys.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            var unexpected = keys.Keys.Where(k => !parameters.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            CheckpointChecks.RequireSameKeys(folder, missing, unexpected);
            using (no_grad())
                foreach (var (name, parameter) in parameters)
                {
                    var (file, key) = keys[name];
                    string source = Path.GetFileName(file.Path);
                    var info = file.Info(key);
                    CheckpointChecks.RequireFloat(source, key, info);
                    if (!info.Shape.SequenceEqual(parameter.shape))
                        throw new BadInputException($"{source}: '{key}' has shape [{string.Join(',', info.Shape)}], config.json implies [{string.Join(',', parameter.shape)}]");
                    using var value = file.Load(key, compute.Dtype);
                    if (checkFinite)
                        CheckpointChecks.RequireFinite(source, key, value);
                    parameter.copy_(value);
                }
            model.SetRequiresGrad(false);
            model.eval();
            if (compute.Device.type != DeviceType.CPU)
                model.to(compute.Device);
            return model;
        }
        catch
        {
            model?.Dispose();
            throw;
        }
        finally
        {
            foreach (var f in files) f.Dispose();
        }
    }

    /// <summary>An untrained model of the config's family (CPU, <paramref name="dtype"/>).</summary>
    public static EncoderModel Create(EncoderConfig config, ScalarType dtype = ScalarType.Float32, bool withPooler = true) => config.Family switch
    {
        EncoderFamily.Bert => new BertModel(config, dtype, withPooler),
        EncoderFamily.Longformer => new LongformerModel(config, dtype, withPooler),
        _ => new BigBirdModel(config, dtype, withPooler),
    };

    /// <summary>The safetensors files of the folder; a folder with only PyTorch/TF/Flax weights gets a conversion hint.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        bool hasSafetensors = File.Exists(Path.Combine(folder, SafeTensorsShards.SingleFile))
                              || File.Exists(Path.Combine(folder, SafeTensorsShards.IndexFile));
        if (!hasSafetensors)
        {
            var other = new[] { "pytorch_model.bin", "pytorch_model.bin.index.json", "tf_model.h5", "flax_model.msgpack" }
                .FirstOrDefault(f => File.Exists(Path.Combine(folder, f)));
            if (other is not null)
                throw new BadInputException($"{folder}: has {other} but no {SafeTensorsShards.SingleFile}; only safetensors weights are read " +
                                            "(convert once with transformers: AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True))");
        }
        return LlamaLoader.ShardFiles(folder);
    }

    // Model parameter name → (file, checkpoint key), task prefix stripped, heads and buffers left out.
    private static Dictionary<string, (SafeTensorsFile File, string Key)> KeyMap(string folder, List<SafeTensorsFile> files, EncoderFamily family)
    {
        string prefix = TaskPrefix(family);
        var map = new Dictionary<string, (SafeTensorsFile, string)>(StringComparer.Ordinal);
        foreach (var f in files)
            foreach (var key in f.Tensors.Keys)
            {
                if (IgnoredPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                    continue;
                string name = key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key;
                if (name == "embeddings.position_ids" || name == "embeddings.token_type_ids")
                    continue; // buffers older transformers saved; the model computes them
                if (!map.TryAdd(name, (f, key)))
                    throw new BadInputException($"{folder}: '{key}' and '{map[name].Item2}' are the same weight ({name})");
            }
        return map;
    }
}
