using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.SafeTensors;

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// Parameters of an encoder classifier without loading weights: the backbone's from the safetensors headers (the
/// tensors the loader keeps: task heads and buffers left out), LoRA A [r, in] + B [out, r] on each targeted linear of
/// every layer, and the pooled head [K, H] + bias.
/// </summary>
public static class EncoderParameterCount
{
    /// <summary>(total, trainable) of <paramref name="config"/>'s encoder classifier.</summary>
    public static (long Total, long Trainable) For(ExperimentConfig config)
    {
        var shape = EncoderConfig.Load(config.Model.Path);
        long backbone = 0;
        foreach (var path in EncoderLoader.WeightFiles(config.Model.Path))
        {
            using var file = SafeTensorsFile.Open(path);
            backbone += file.Tensors.Values.Where(t => Kept(t.Name)).Sum(t => t.ElementCount);
        }
        long head = (long)config.Task.LabelCount() * (shape.HiddenSize + 1);
        long adapters = 0;
        if (config.Lora.Enabled)
            adapters = shape.NumHiddenLayers * config.Lora.Targets.Sum(t => Linears(shape, t).Sum(f => (long)config.Lora.R * (f.In + f.Out)));
        return (backbone + adapters + head, adapters + head);
    }

    /// <summary>(in, out) of every linear of one layer whose name ends in <paramref name="target"/>.</summary>
    public static IEnumerable<(long In, long Out)> Linears(EncoderConfig c, string target)
    {
        long h = c.HiddenSize, i = c.IntermediateSize;
        return target switch
        {
            "query" or "key" or "value" => [(h, h)],
            "query_global" or "key_global" or "value_global" => c.Family == EncoderFamily.Longformer ? [(h, h)] : [],
            "dense" => [(h, h), (h, i), (i, h)], // attention.output.dense, intermediate.dense, output.dense
            _ => [],
        };
    }

    private static bool Kept(string key) =>
        !EncoderLoader.IgnoredPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal))
        && !key.EndsWith("embeddings.position_ids", StringComparison.Ordinal)
        && !key.EndsWith("embeddings.token_type_ids", StringComparison.Ordinal);
}
