using System.Text.Json.Nodes;
using System.Text.Json;
using LLM4EHR.Runtime;
using LLM4EHR.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Loads a Hugging Face Llama folder (<c>config.json</c> + <c>model.safetensors</c>, or the shards listed in
/// <c>model.safetensors.index.json</c>) into a <see cref="LlamaModel"/>. Tensors stream one at a time from the
/// files (positioned reads, no memory map), converted from F32/F16/BF16 to the compute dtype, with malloc's free
/// space handed back after each, so peak memory stays near the final model size. Key sets are checked against the
/// model before anything is read.
/// </summary>
public static class LlamaLoader
{
    public const string SingleFile = SafeTensorsShards.SingleFile;
    public const string IndexFile = SafeTensorsShards.IndexFile;
    /// <summary>The LM head is in every causal-LM checkpoint; a backbone does not use it.</summary>
    public const string LmHeadKey = "lm_head.weight";

    public static LlamaModel Load(string folder, LlamaLoadOptions? options = null)
    {
        options ??= new LlamaLoadOptions();
        if (!Directory.Exists(folder))
            throw new BadInputException($"{folder}: model folder not found");
        var config = LlamaConfig.Load(folder);
        var shards = ShardFiles(folder);

        var files = new List<SafeTensorsFile>();
        LlamaModel? model = null;
        try
        {
            foreach (var shard in shards)
                files.Add(SafeTensorsFile.Open(shard));
            model = new LlamaModel(config, options.Compute);
            var sink = new LlamaWeightSink(model, options.LinearFactory);
            var plan = Plan(folder, files, sink.Expected.Keys);
            int done = 0;
            foreach (var (file, key) in plan)
            {
                string source = Path.GetFileName(file.Path);
                var info = file.Info(key);
                CheckpointChecks.RequireFloat(source, key, info);
                // On the CPU the file converts straight into the compute dtype (no whole stored-dtype copy beside it).
                var read = file.Load(key, options.Compute.Device.type == DeviceType.CPU ? options.Compute.Dtype : null);
                if (options.CheckFinite)
                    CheckpointChecks.RequireFinite(source, key, read);
                sink.Accept(key, ToCompute(read, options), source);
                // Each tensor's temporaries (stored copy, quantizer scratch) land in malloc's arenas between blocks the
                // model keeps; without a trim that free space stays resident and RSS ends ~1.5x the model (8B: +3 GB).
                GlibcMalloc.Trim();
                options.Progress?.Report((++done, plan.Count));
            }
            var missing = sink.Missing();
            if (missing.Count > 0)
                throw new BadInputException($"{folder}: missing weights: {string.Join(", ", missing)}");
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

    // Moves a freshly read tensor to the compute device and dtype without keeping two copies around.
    private static Tensor ToCompute(Tensor stored, LlamaLoadOptions options)
    {
        var c = options.Compute;
        if (stored.dtype == c.Dtype && stored.device_type == c.Device.type)
            return stored;
        using (stored)
            return stored.to(c.Dtype, c.Device);
    }

    /// <summary>Which file holds each expected key; errors name missing and unexpected keys.</summary>
    private static List<(SafeTensorsFile File, string Key)> Plan(string folder, List<SafeTensorsFile> files, IEnumerable<string> expected)
    {
        var where = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        foreach (var f in files)
            foreach (var key in f.Tensors.Keys)
                if (!where.TryAdd(key, f))
                    throw new BadInputException($"{Path.GetFileName(f.Path)}: tensor '{key}' is also in {Path.GetFileName(where[key].Path)}");
        var expectedSet = expected.ToHashSet(StringComparer.Ordinal);
        var missing = expectedSet.Where(k => !where.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var unexpected = where.Keys.Where(k => !expectedSet.Contains(k) && k != LmHeadKey).OrderBy(k => k, StringComparer.Ordinal).ToList();
        CheckpointChecks.RequireSameKeys(folder, missing, unexpected);
        // Stream in file order: sequential reads through each memory map.
        return files.SelectMany(f => f.Tensors.Values.OrderBy(i => i.Begin).Select(i => (f, i.Name)))
            .Where(p => expectedSet.Contains(p.Name)).ToList();
    }

    /// <summary>The safetensors files of a model folder: the single file, or the shards the index lists.</summary>
    public static IReadOnlyList<string> ShardFiles(string folder)
    {
        string single = Path.Combine(folder, SingleFile);
        string index = Path.Combine(folder, IndexFile);
        if (File.Exists(index))
        {
            JsonObject? weightMap;
            try
            {
                weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject;
            }
            catch (JsonException e)
            {
                throw new BadInputException($"{IndexFile}: not valid JSON ({e.Message.Split('\n')[0]})", e);
            }
            if (weightMap is null)
                throw new BadInputException($"{IndexFile}: weight_map is missing");
            var shards = new List<string>();
            foreach (var (key, value) in weightMap)
            {
                string? name = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (string.IsNullOrEmpty(name) || name.Contains('/') || name.Contains('\\'))
                    throw new BadInputException($"{IndexFile}: weight_map.{key}: expected a shard file name");
                string path = Path.Combine(folder, name);
                if (!File.Exists(path))
                    throw new BadInputException($"{IndexFile}: weight_map.{key}: shard '{name}' not found in {folder}");
                if (!shards.Contains(path))
                    shards.Add(path);
            }
            return shards;
        }
        if (File.Exists(single))
            return [single];
        throw new BadInputException($"{folder}: no {SingleFile} or {IndexFile}");
    }
}

/// <summary>How <see cref="LlamaLoader"/> builds the model.</summary>
public sealed record LlamaLoadOptions
{
    /// <summary>Device and compute dtype (CPU f32 by default; CUDA bf16 via <see cref="ComputeDevice.Resolve"/>).</summary>
    public ComputeDevice Compute { get; init; } = ComputeDevice.Cpu;

    /// <summary>Optional hook that may replace each linear as its weight streams in (e.g. NF4 quantization).</summary>
    public LinearFactory? LinearFactory { get; init; }

    /// <summary>
    /// Refuse a weight holding NaN or ±Inf (a corrupted download or a broken conversion) at load, naming the tensor.
    /// One pass over each tensor as it streams in; turn off with <c>model.check_weights: false</c>.
    /// </summary>
    public bool CheckFinite { get; init; } = true;

    /// <summary>Progress: tensors placed so far out of the total.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }
}

/// <summary>
/// Called by the loader once per linear projection while weights stream in, with the HF module name
/// (<c>model.layers.3.mlp.up_proj</c>), its weight [out, in] and bias [out] (null without bias), already in the
/// compute dtype on the compute device. Return a module to put in its place (e.g. an NF4 linear), or null to
/// keep a plain Linear holding these weights. The loader disposes its handles to weight and bias after the
/// call: a factory that keeps them must take its own reference (<c>weight.detach()</c> shares storage, no copy).
/// </summary>
public delegate nn.Module<Tensor, Tensor>? LinearFactory(string moduleName, Tensor weight, Tensor? bias);
