using LLM4EHR.Data;
using LLM4EHR.Models.Quantization;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// LoRA hyper-parameters, the one type for the config's <c>lora:</c> section and the adapters. Scale = alpha / r
/// (peft's default, not rsLoRA). Targets are last module-name segments; when none are named peft picks
/// <c>q_proj, v_proj</c> for Llama, and so do we. <see cref="Enabled"/> false: no adapters, only the head trains.
/// </summary>
public sealed record LoraSettings
{
    public static IReadOnlyList<string> DefaultTargets { get; } = ["q_proj", "v_proj"];

    /// <summary>The seed's r 8 / alpha 32: the one default, shared by the YAML config reader.</summary>
    public const int DefaultR = 8;
    public const double DefaultAlpha = 32;

    public bool Enabled { get; init; } = true;
    public int R { get; init; } = DefaultR;
    public double Alpha { get; init; } = DefaultAlpha;
    public double Dropout { get; init; } = 0.05;
    public IReadOnlyList<string> Targets { get; init; } = DefaultTargets;
    /// <summary>Seed of the A-matrix initialisation (B starts at zero).</summary>
    public long Seed { get; init; } = 42;

    public double Scale => Alpha / R;

    /// <summary>The adapters to inject, A seeded with <paramref name="seed"/> (the run's seed); null when disabled.</summary>
    public LoraSettings? ToAdapterSettings(long seed) => Enabled ? this with { Seed = seed } : null;

    /// <summary>Project defaults: IHM r 8 / alpha 32, Pheno r 16 / alpha 32, dropout 0.05, q_proj + v_proj.</summary>
    public static LoraSettings ForTask(ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => new LoraSettings { R = 8, Alpha = 32 },
        ClinicalTask.Pheno => new LoraSettings { R = 16, Alpha = 32 },
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Last name segments of every linear a model family exposes: Llama's projections, then the encoders'.</summary>
    public static IReadOnlyList<string> KnownTargets { get; } =
        [.. Llama.LlamaProjections.ShortNames, .. Encoders.EncoderModel.ProjectionShortNames];

    /// <summary>Throws <see cref="BadInputException"/> naming the bad field.</summary>
    public void Validate(string source = "lora settings")
    {
        if (R < 1) throw new BadInputException($"{source}: r: must be >= 1, got {R}");
        if (!(Alpha > 0)) throw new BadInputException($"{source}: alpha: must be > 0, got {Alpha}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new BadInputException($"{source}: dropout: must be in [0, 1), got {Dropout}");
        if (Targets.Count == 0) throw new BadInputException($"{source}: targets: empty");
        var unknown = Targets.Where(t => !KnownTargets.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new BadInputException($"{source}: targets: unknown [{string.Join(", ", unknown)}] (allowed: {string.Join(", ", KnownTargets)})");
    }

    // Records compare lists by reference; settings read back from JSON must compare equal by value.
    public bool Equals(LoraSettings? other) =>
        other is not null && Enabled == other.Enabled && R == other.R && Alpha == other.Alpha && Dropout == other.Dropout && Seed == other.Seed
        && Targets.SequenceEqual(other.Targets);

    public override int GetHashCode() => HashCode.Combine(Enabled, R, Alpha, Dropout, Seed, string.Join(",", Targets));
}
