using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.IO;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using LLM4EHR.Training;

namespace LLM4EHR.Experiments;

/// <summary>
/// <c>RUN_DIR/run.json</c>: how a run was made. Written when training starts (status "running") and completed when
/// it ends (status, end time, wall time, peak memory); a resumed run adds a session. It records the code (commit and
/// dirty flag, from the build), the command line, the resolved config's hash, each split file's SHA-256 and record
/// count, the base model's fingerprint, the tokenizer, the seeds, the software and the machine (CPU flags that decide
/// the compute path, GPU when CUDA). Never any patient text.
/// </summary>
public static class RunProvenance
{
    public const string FileName = "run.json";

    public static string PathOf(string runDir) => Path.Combine(runDir, FileName);

    /// <summary>Writes run.json at the start of training (or adds a session to it when resuming).</summary>
    public static void Start(string runDir, ExperimentConfig config, PreparedSplits splits, ComputeDevice compute, bool resume,
        Data.Audit.AuditReport? audit = null, long? trainableParameters = null, long? totalParameters = null)
    {
        var now = DateTimeOffset.UtcNow;
        var session = new JsonObject { ["started_utc"] = now.ToString("O"), ["command"] = CommandLine(), ["resume"] = resume };
        JsonObject doc;
        if (resume && Read(runDir) is { } existing)
        {
            doc = existing;
            (doc["sessions"] as JsonArray ?? []).Add(session);
            doc["status"] = "running";
        }
        else
        {
            doc = new JsonObject
            {
                ["format"] = "llm4ehr-run/1",
                ["status"] = "running",
                ["started_utc"] = now.ToString("O"),
                ["code"] = Code(),
                ["command"] = CommandLine(),
                ["config_sha256"] = Sha256(Encoding.UTF8.GetBytes(ExperimentConfigLoader.ToYaml(config))),
                ["synthetic_data"] = GeneratedFolder.IsSyntheticCohort(config.Data.Root),
                ["data"] = Data(config, splits),
                ["model"] = SeriesPipeline.NeedsModelFolder(config)
                    ? new JsonObject
                    {
                        ["type"] = config.Model.Type.Word(),
                        ["path"] = Path.GetFullPath(config.Model.Path),
                        ["fingerprint"] = ModelFingerprint.Of(config.Model.Path),
                    }
                    : new JsonObject { ["type"] = config.Model.Type.Word(), ["note_embeddings"] = config.Embeddings.Cache is { } cache ? Path.GetFullPath(cache) : null },
                ["tokenizer"] = splits.Tokenizer is { } tokenizer ? Tokenizer(config.Model.Path, tokenizer) : null,
                ["seeds"] = new JsonObject
                {
                    ["training"] = config.Training.Seed,
                    ["lora_init"] = config.Training.Seed,
                    ["bootstrap"] = Evaluation.EvaluationOptions.DefaultBootstrapSeed,
                    ["demo_cohort"] = config.Data.Demo ? config.Data.DemoSeed : null,
                },
                ["environment"] = Environment(compute),
                ["parameters"] = new JsonObject { ["total"] = totalParameters, ["trainable"] = trainableParameters },
                ["tokenization"] = new JsonObject(splits.Summaries.Select(kv => KeyValuePair.Create(kv.Key,
                    (JsonNode?)JsonSerializer.SerializeToNode(kv.Value, SnakeCase)))),
                ["audit"] = audit is null ? null : new JsonArray([.. audit.Findings.Select(f => (JsonNode)new JsonObject
                {
                    ["severity"] = f.Severity.ToString().ToLowerInvariant(), ["check"] = f.Check, ["split"] = f.Split,
                    ["count"] = f.Count, ["message"] = f.Message,
                })]),
                ["sessions"] = new JsonArray(session),
            };
        }
        Write(runDir, doc);
    }

    /// <summary>Completes run.json: status (finished or interrupted), end time, wall time and peak memory.</summary>
    public static void Finish(string runDir, bool interrupted)
    {
        if (Read(runDir) is not { } doc)
            return;
        var now = DateTimeOffset.UtcNow;
        doc["status"] = interrupted ? "interrupted" : "finished";
        doc["finished_utc"] = now.ToString("O");
        if (doc["sessions"] is JsonArray { Count: > 0 } sessions && sessions[^1] is JsonObject last)
        {
            last["ended_utc"] = now.ToString("O");
            last["wall_s"] = Math.Round((now - DateTimeOffset.Parse(last["started_utc"]!.GetValue<string>())).TotalSeconds, 3);
            last["peak_rss_mb"] = ProcessMemory.PeakRssMb() is { } mb ? Math.Round(mb, 1) : null;
            doc["wall_s"] = sessions.OfType<JsonObject>().Sum(s => s["wall_s"]?.GetValue<double>() ?? 0);
        }
        Write(runDir, doc);
    }

    /// <summary>The run's run.json, or null when it has none (runs made before provenance was kept).</summary>
    public static JsonObject? Read(string runDir)
    {
        string path = PathOf(runDir);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>SHA-256 of a split file as recorded in run.json (null when the run has none for it).</summary>
    public static string? RecordedSplitHash(string runDir, string split) =>
        Read(runDir)?["data"]?[split]?["sha256"]?.GetValue<string>();

    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static JsonObject Data(ExperimentConfig config, PreparedSplits splits)
    {
        var data = new JsonObject { ["root"] = Path.GetFullPath(config.Data.Root) };
        foreach (var split in Enum.GetValues<P2xSplit>())
        {
            string name = P2xSchema.SplitName(split), file = P2xDataset.SplitPath(config.Data.Root, split);
            data[name] = new JsonObject
            {
                ["file"] = Path.GetFileName(file),
                ["sha256"] = FileSha256(file),
                ["records"] = splits.Summaries[name].Stays,
                ["kept_stays"] = splits.Summaries[name].KeptStays,
            };
        }
        return data;
    }

    private static JsonObject Tokenizer(string modelDir, ITextTokenizer tokenizer)
    {
        // The first file is the vocabulary (tokenizer.model, vocab.txt, vocab.json, spiece.model); merges.txt and
        // tokenizer_config.json follow in "files", each with its hash, as they change the ids too.
        var files = tokenizer.Files;
        var block = new JsonObject
        {
            ["kind"] = tokenizer.Kind,
            ["file"] = files.Count == 0 ? null : Path.GetRelativePath(modelDir, files[0]),
            ["sha256"] = files.Count == 0 ? null : FileSha256(files[0]),
            ["vocab_size"] = tokenizer.VocabSize,
            ["identity"] = tokenizer.Identity,
        };
        if (files.Count > 1)
            block["other_files"] = new JsonObject(files.Skip(1).Select(f =>
                KeyValuePair.Create(Path.GetRelativePath(modelDir, f), (JsonNode?)FileSha256(f))));
        return block;
    }

    private static JsonObject Code()
    {
        string version = typeof(RunProvenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        int plus = version.IndexOf('+');
        string? revision = plus >= 0 ? version[(plus + 1)..] : null;
        return new JsonObject
        {
            ["version"] = version,
            ["commit"] = revision?.Replace("-dirty", ""),
            ["dirty"] = revision is null ? null : revision.EndsWith("-dirty", StringComparison.Ordinal),
        };
    }

    private static JsonObject Environment(ComputeDevice compute)
    {
        var cpu = CpuInfo.Current;
        return new JsonObject
        {
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            ["libtorch"] = TorchSharp.torch.__version__,
            ["os"] = RuntimeInformation.OSDescription,
            ["machine"] = System.Environment.MachineName,
            ["cpu"] = new JsonObject
            {
                ["vendor"] = cpu.Vendor,
                ["model"] = cpu.Model,
                ["logical_cores"] = cpu.LogicalCores,
                ["flags"] = new JsonArray([.. cpu.PresentRelevantFlags.Select(f => (JsonNode)f)]),
            },
            ["threads"] = TorchSharp.torch.get_num_threads(),
            ["device"] = compute.ToString(),
            ["dtype"] = compute.Dtype.ToString(),
            ["dtype_reason"] = compute.Reason,
            ["mkl_path"] = MklIntelPath.State,
            ["cuda_devices"] = compute.IsCuda ? TorchSharp.torch.cuda.device_count() : 0,
        };
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static string CommandLine() => string.Join(' ', System.Environment.GetCommandLineArgs().Skip(1).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void Write(string runDir, JsonObject doc) =>
        AtomicFile.WriteAllText(PathOf(runDir), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
