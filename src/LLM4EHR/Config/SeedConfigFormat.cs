using System.Globalization;
using System.Text.RegularExpressions;
using LLM4EHR.Data;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Reads a config of the Python seed (flat keys: <c>train_pkl</c>, <c>num_epochs</c>, <c>pretrained_meta_model</c>, …)
/// into the native config tree, key by key, with the seed's own choices where its file is silent (seed 42, model
/// selection by validation F1, left padding, no gradient clipping). Every value keeps its seed location for errors
/// (<c>ihm_llama3_8b.yaml:9 (seed key lr)</c>), and the data order is the seed's plain shuffle (no length bucketing). Keys of model types not implemented here are refused by name.
/// The mapping is documented in README ("Configs from the Python seed").
/// </summary>
internal static partial class SeedConfigFormat
{
    private static readonly string[] SeedKeys =
    [
        "train_pkl", "val_pkl", "test_pkl", "save_path", "max_seq_len", "batch_size", "num_epochs", "lr", "weight_decay",
        "warmup_ratio", "grad_accum", "pretrained_meta_model", "use_4bit", "lora", "model_type", "task", "num_labels",
        "wandb", "mixed_precision", "freeze",
    ];

    // The seed's later model types (BELT, Longformer/BigBird pooling, TimeLLM, GPT4MTS, LSTM/CNN) and their keys.
    private static readonly string[] UnsupportedKeys =
    [
        "pooling", "chunk_size", "stride", "minimal_chunk_length", "pooling_strategy", "maximal_text_length", "d_model",
        "patch_len", "n_heads", "freezebasemodel", "seq_len", "patch_size", "gpt_layers", "pretrain", "revin",
        "classifier_head", "enable_text_as_prefix", "hidden_dim", "num_layers", "dropout",
    ];

    /// <summary>A seed config has the seed's flat data keys at the top level (a native one has sections).</summary>
    public static bool IsSeedFormat(YamlMappingNode root) =>
        root.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value is "train_pkl" or "pretrained_meta_model" or "num_epochs");

    /// <summary>The native config tree of a seed config, and notes on what was ignored or interpreted.</summary>
    public static (YamlMappingNode Native, IReadOnlyList<string> Notes) ToNative(YamlMappingNode seed, ConfigSource source)
    {
        var notes = new List<string>();
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in seed.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            if (UnsupportedKeys.Contains(key))
                throw Error(source, keyNode, key, "belongs to a seed model type not implemented here (only model_type: llama is)");
            if (!SeedKeys.Contains(key))
                throw Error(source, keyNode, key, $"unknown seed key{Suggest(key)}");
            values[key] = value;
        }
        string Text(string key, string? fallback = null) =>
            values.TryGetValue(key, out var n) && n is YamlScalarNode { Value: { } v } && v is not ("null" or "~" or "")
                ? v : fallback ?? throw Error(source, seed, key, "required in a seed config");

        string modelType = Text("model_type", "llama");
        if (modelType.ToLowerInvariant() != "llama")
            throw Error(source, values["model_type"], "model_type", $"'{modelType}' is not implemented here (only llama)");
        var task = ClinicalTaskInfo.Parse(Text("task"));
        if (values.ContainsKey("num_labels") && Text("num_labels") != task.LabelCount().ToString(CultureInfo.InvariantCulture))
            throw Error(source, values["num_labels"], "num_labels", $"{task.Id()} has {task.LabelCount()} labels, got {Text("num_labels")}");
        if (values.ContainsKey("wandb"))
            notes.Add("wandb: ignored (runs log to RUN_DIR/log.jsonl)");

        var root = DataRoot(values, source, task);
        string mixed = Text("mixed_precision", "no");
        string dtype = mixed switch
        {
            "no" => "float32",
            "bf16" or "fp16" => "auto",
            _ => throw Error(source, values["mixed_precision"], "mixed_precision", $"expected no, fp16 or bf16, got '{mixed}'"),
        };
        if (mixed == "fp16")
            notes.Add("mixed_precision fp16: computed in bfloat16 on CUDA and bf16-capable CPUs (float32 on other CPUs); fp16 with loss scaling is not implemented");
        bool nf4 = Bool(values, source, "use_4bit", false);
        var lora = values.TryGetValue("lora", out var l) && l is YamlMappingNode m ? m : null;
        bool freeze = Bool(values, source, "freeze", false);
        if (lora is null && !freeze)
            throw Error(source, values.GetValueOrDefault("lora") ?? seed, "lora",
                "null means full fine-tuning of the base in the seed, which is not implemented; give lora: {r, lora_alpha, lora_dropout} or freeze: true (head only)");

        var native = new YamlMappingNode
        {
            { "task", task.Id() },
            { "data", Map(("root", Marked(root.Node, root.Value)), ("demo", "false")) },
            { "model", Map(("path", Marked(values["pretrained_meta_model"], Text("pretrained_meta_model"))), ("dtype", dtype),
                ("gradient_checkpointing", "false")) },
            { "quantization", Map(("nf4", nf4 ? "true" : "false"), ("double_quant", nf4 ? "true" : "false")) },
            { "lora", lora is null ? Map(("enabled", "false")) : LoraSection(lora, source) },
            { "text", Map([("pad_side", "left"), ("bucket_by_length", "false"), .. Copy(values, ("max_seq_len", "max_tokens"))]) },
            { "training", Map([("seed", "42"), ("best_metric", task == ClinicalTask.Ihm ? "f1" : "f1_macro"), ("max_grad_norm", "0"),
                .. Copy(values, ("batch_size", "batch_size"), ("batch_size", "eval_batch_size"), ("num_epochs", "epochs"), ("lr", "lr"),
                    ("weight_decay", "weight_decay"), ("warmup_ratio", "warmup_ratio"), ("grad_accum", "grad_accum"))]) },
            { "output", Map(("run_dir", values.TryGetValue("save_path", out var save) ? Marked(save, Text("save_path")) : new YamlScalarNode(Path.Combine("runs", task.Id())))) },
        };
        return (native, notes);

        YamlNode Marked(YamlNode from, string value)
        {
            var node = new YamlScalarNode(value);
            var key = seed.Children.First(kv => ReferenceEquals(kv.Value, from)).Key;
            source.MarkOrigin(node, $"{source.FileName}:{from.Start.Line} (seed key {((YamlScalarNode)key).Value})");
            return node;
        }

        IEnumerable<(string, YamlNode)> Copy(Dictionary<string, YamlNode> v, params (string Seed, string Native)[] pairs) =>
            pairs.Where(p => v.ContainsKey(p.Seed)).Select(p => (p.Native, Marked(v[p.Seed], Text(p.Seed))));
    }

    private static YamlMappingNode LoraSection(YamlMappingNode lora, ConfigSource source)
    {
        var section = new YamlMappingNode { { "enabled", "true" } };
        foreach (var (keyNode, value) in lora.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            string native = key switch
            {
                "r" => "r",
                "lora_alpha" => "alpha",
                "lora_dropout" => "dropout",
                "target_modules" => "targets",
                _ => throw Error(source, keyNode, "lora." + key, "unknown seed LoRA key (expected r, lora_alpha, lora_dropout, target_modules)"),
            };
            section.Add(native, value);
        }
        return section;
    }

    // The seed names three files; the native config one folder holding them under their standard names.
    private static (YamlNode Node, string Value) DataRoot(Dictionary<string, YamlNode> values, ConfigSource source, ClinicalTask task)
    {
        string? root = null;
        YamlNode? first = null;
        foreach (var split in Enum.GetValues<P2xSplit>())
        {
            string key = P2xSchema.SplitName(split) + "_pkl";
            if (!values.TryGetValue(key, out var node) || node is not YamlScalarNode { Value: { } raw })
                throw Error(source, values.Values.FirstOrDefault() ?? new YamlScalarNode(), key, "required in a seed config");
            string path = Expand(raw, source, node, key);
            if (Path.GetFileName(path) != P2xSchema.FileName(split))
                throw Error(source, node, key, $"expected a file named {P2xSchema.FileName(split)}, got '{Path.GetFileName(path)}'");
            string dir = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
            if (root is not null && dir != root)
                throw Error(source, node, key, $"all three splits must be in one folder ({root}), got {dir}");
            root = dir;
            first ??= node;
        }
        return (first!, root!);
    }

    // ${VAR} from the environment, as the seed's os.path.expandvars; an unset variable is an error, not left in place.
    private static string Expand(string raw, ConfigSource source, YamlNode node, string key) =>
        EnvVar().Replace(raw, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } v ? v
            : throw Error(source, node, key, $"environment variable {m.Groups[1].Value} is not set (used in '{raw}')"));

    private static bool Bool(Dictionary<string, YamlNode> values, ConfigSource source, string key, bool fallback) =>
        !values.TryGetValue(key, out var n) ? fallback : (n as YamlScalarNode)?.Value?.ToLowerInvariant() switch
        {
            "true" => true,
            "false" or "null" or "~" => false,
            var v => throw Error(source, n, key, $"expected true or false, got '{v}'"),
        };

    private static YamlMappingNode Map(params (string Key, YamlNode Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (k, v) in entries) map.Add(k, v);
        return map;
    }

    private static string Suggest(string key)
    {
        var close = SeedKeys.Where(k => k.Contains(key, StringComparison.Ordinal) || key.Contains(k, StringComparison.Ordinal)
            || (k.Length > 3 && key.Length > 3 && k[..3] == key[..3])).ToList();
        return close.Count > 0 ? $" (did you mean {close[0]}?)" : $" (seed keys: {string.Join(", ", SeedKeys)})";
    }

    private static BadInputException Error(ConfigSource source, YamlNode at, string key, string message) =>
        new($"{source.FileName}:{at.Start.Line}: {key}: {message}");

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex EnvVar();
}
