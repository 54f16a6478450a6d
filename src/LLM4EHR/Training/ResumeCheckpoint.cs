using System.Text.Json;
using LLM4EHR.Models;
using LLM4EHR.SafeTensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Training;

/// <summary>
/// The resume checkpoint: one safetensors file holding the trained weights (<c>weights/NAME</c>), AdamW's moments
/// (<c>exp_avg/NAME</c>, <c>exp_avg_sq/NAME</c>), libtorch's CPU generator state (<c>rng_state</c>, so dropout
/// masks continue identically) and the <see cref="ResumePosition"/> as JSON metadata. One file, written to a temp
/// name and renamed, so a crash leaves either the previous checkpoint or the new one, never a mix.
/// The frozen base is never saved: it is rebuilt from the model folder.
/// </summary>
public static class ResumeCheckpoint
{
    private const string Format = "llm4ehr-resume-v1";
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Save(string path, IReadOnlyList<(string Name, Parameter Parameter)> parameters, IReadOnlyList<AdamW.State> states,
        ResumePosition position)
    {
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, p) in parameters) tensors.Add(new("weights/" + name, p));
        for (int i = 0; i < parameters.Count; i++)
        {
            tensors.Add(new("exp_avg/" + parameters[i].Name, states[i].exp_avg));
            tensors.Add(new("exp_avg_sq/" + parameters[i].Name, states[i].exp_avg_sq));
        }
        tensors.Add(new("rng_state", random.get_rng_state()));
        var withSteps = position with { AdamSteps = parameters.Select((p, i) => (p.Name, states[i].step)).ToDictionary(x => x.Name, x => x.step) };
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = Format,
            ["position"] = JsonSerializer.Serialize(withSteps, Json),
        });
    }

    /// <summary>Restores weights, optimizer moments and the RNG state in place; returns the saved position.</summary>
    public static ResumePosition Load(string path, IReadOnlyList<(string Name, Parameter Parameter)> parameters, IReadOnlyList<AdamW.State> states)
    {
        using var file = SafeTensorsFile.Open(path);
        string fileName = Path.GetFileName(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format || !file.Metadata.TryGetValue("position", out var json))
            throw new BadInputException($"{fileName}: not an LLM4EHR resume checkpoint");
        var position = JsonSerializer.Deserialize<ResumePosition>(json, Json)
                       ?? throw new BadInputException($"{fileName}: position metadata is empty");
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            string name = parameters[i].Name;
            CopyInto(file, "weights/" + name, parameters[i].Parameter);
            CopyInto(file, "exp_avg/" + name, states[i].exp_avg);
            CopyInto(file, "exp_avg_sq/" + name, states[i].exp_avg_sq);
            states[i].step = position.AdamSteps.TryGetValue(name, out long step) ? step
                : throw new BadInputException($"{fileName}: no optimizer step count for '{name}'");
        }
        int expected = 3 * parameters.Count + 1;
        if (file.Tensors.Count != expected)
            throw new BadInputException($"{fileName}: holds {file.Tensors.Count} tensors, the model's trainable parameters need {expected}");
        using var rng = file.Load("rng_state");
        random.set_rng_state(rng);
        return position;
    }

    private static void CopyInto(SafeTensorsFile file, string key, Tensor target)
    {
        if (!file.Tensors.ContainsKey(key))
            throw new BadInputException($"{Path.GetFileName(file.Path)}: no tensor '{key}' (was it saved from another model?)");
        using var saved = file.Load(key, target.dtype);
        if (!saved.shape.SequenceEqual(target.shape))
            throw new BadInputException($"{Path.GetFileName(file.Path)}: '{key}' has shape [{string.Join(',', saved.shape)}], the model needs [{string.Join(',', target.shape)}]");
        target.copy_(saved);
    }
}

/// <summary>
/// Where a run stands, saved in the resume checkpoint (as JSON metadata). <see cref="Epoch"/> and
/// <see cref="NextGroup"/> (0-based) name the next accumulation group of optimizer steps to run; a group index
/// equal to the epoch's group count means "epoch trained, evaluation pending". <see cref="LogBytes"/> is the
/// length of log.jsonl when the checkpoint was taken: resume cuts the log back to it so no step is logged twice.
/// </summary>
public sealed record ResumePosition
{
    public int Epoch { get; init; }
    public int NextGroup { get; init; }
    public long OptimizerStep { get; init; }
    public long TotalSteps { get; init; }
    public int TrainCount { get; init; }
    public double EpochLossSum { get; init; }
    public int EpochLossCount { get; init; }
    public int BestEpoch { get; init; }
    public double BestValue { get; init; } = double.NaN;
    public Dictionary<string, double>? BestMetrics { get; init; }
    public int EvaluationsWithoutImprovement { get; init; }
    public bool Finished { get; init; }
    public bool StoppedEarly { get; init; }
    public long LogBytes { get; init; }
    /// <summary>AdamW's per-parameter step counts (bias correction), by trainable parameter name.</summary>
    public Dictionary<string, long> AdamSteps { get; init; } = [];
}
