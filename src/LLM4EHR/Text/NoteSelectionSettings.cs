using LLM4EHR.Data;

namespace LLM4EHR.Text;

/// <summary>
/// How a stay's notes become one token sequence. Defaults reproduce the seed. A plain record with init
/// properties so the YAML <c>text:</c> section fills it (each summary names its config key; the horizon and the separator have none).
/// </summary>
/// <remarks>
/// Pipeline per stay: drop notes after the horizon → stable sort by hour → keep the first/last <see cref="MaxNotes"/>
/// → render each with <see cref="Template"/> (numbered 1.. in time order) → join with <see cref="Separator"/>
/// → BOS + tokens → truncate to <see cref="MaxTokens"/> (BOS counts and is always kept).
/// </remarks>
public sealed record NoteSelectionSettings
{
    /// <summary>
    /// <c>text.max_notes</c>: how many notes per stay (seed: 5). Applied after horizon filtering and time sorting.
    /// </summary>
    public int MaxNotes { get; init; } = 5;

    /// <summary><c>text.note_order</c>: <c>first</c> (earliest, seed) or <c>last</c> (most recent) notes.</summary>
    public NotePick Pick { get; init; } = NotePick.First;

    /// <summary>
    /// Horizon (no config key: the task fixes it): keep notes with hour ≤ this (inclusive; notes from before ICU admission, with negative
    /// hours, are kept). Null = the task's horizon (48 h IHM, 24 h Pheno). Notes with a NaN hour are always dropped.
    /// </summary>
    public double? HorizonHours { get; init; }

    /// <summary>
    /// <c>text.template</c>: how one note is rendered. <c>{i}</c> = the note's number among the kept notes,
    /// counted from 1 in time order (also for <c>last</c>: the earliest kept note is 1); <c>{text}</c> = the note
    /// text, verbatim. Seed: <c>### NOTE {i} ###\n{text}</c>. Must contain <c>{text}</c>.
    /// </summary>
    public string Template { get; init; } = "### NOTE {i} ###\n{text}";

    /// <summary>Separator (no config key): placed between rendered notes (seed: one newline).</summary>
    public string Separator { get; init; } = "\n";

    /// <summary>
    /// <c>text.max_tokens</c>: sequence length cap including BOS. Null = the seed's per-task cap (8000 IHM, 6000 Pheno).
    /// </summary>
    public int? MaxTokens { get; init; }

    /// <summary><c>text.truncation</c>: <c>keep_start</c> (seed) or <c>keep_end</c> (most recent tokens).</summary>
    public TruncationSide Truncation { get; init; } = TruncationSide.KeepStart;

    /// <summary><c>text.empty_notes</c>: <c>keep_bos_only</c> (seed) or <c>skip</c>; counted in the summary either way.</summary>
    public EmptyStayPolicy EmptyStays { get; init; } = EmptyStayPolicy.KeepBosOnly;

    /// <summary>The seed's default length cap for a task.</summary>
    public static int DefaultMaxTokens(ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => 8000,
        ClinicalTask.Pheno => 6000,
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    public int EffectiveMaxTokens(ClinicalTask task) => MaxTokens ?? DefaultMaxTokens(task);

    public double EffectiveHorizonHours(ClinicalTask task) => HorizonHours ?? task.HorizonHours();

    /// <summary>Throws a one-line <see cref="BadInputException"/> naming the offending key.</summary>
    public void Validate()
    {
        if (MaxNotes < 1)
            throw new BadInputException($"text.max_notes: must be at least 1, got {MaxNotes}");
        if (MaxTokens is < 1)
            throw new BadInputException($"text.max_tokens: must be at least 1 (BOS), got {MaxTokens}");
        if (HorizonHours is { } h && double.IsNaN(h))
            throw new BadInputException("text horizon (hours): must be a number, got NaN");
        if (Template is null || !Template.Contains("{text}", StringComparison.Ordinal))
            throw new BadInputException($"text.template: must contain {{text}}, got '{Template}'");
        if (Separator is null)
            throw new BadInputException("text separator: must be a string");
        if (!Enum.IsDefined(Pick))
            throw new BadInputException($"text.note_order: unknown value {Pick}");
        if (!Enum.IsDefined(Truncation))
            throw new BadInputException($"text.truncation: unknown value {Truncation}");
        if (!Enum.IsDefined(EmptyStays))
            throw new BadInputException($"text.empty_notes: unknown value {EmptyStays}");
    }
}

/// <summary>What to do with a stay that has no note inside the task horizon. Either way it is counted.</summary>
public enum EmptyStayPolicy
{
    /// <summary>Keep it as BOS only (the seed: an empty joined text still tokenizes to BOS).</summary>
    KeepBosOnly,
    /// <summary>Leave it out of the tokenized split.</summary>
    Skip,
}

/// <summary>Which notes of a stay to keep when it has more than <c>max_notes</c> inside the horizon.</summary>
public enum NotePick
{
    /// <summary>The earliest notes (the seed's choice).</summary>
    First,
    /// <summary>The most recent notes (closest to the prediction time).</summary>
    Last,
}

/// <summary>Which tokens survive when a stay's joined notes exceed <c>max_tokens</c>. BOS is always kept.</summary>
public enum TruncationSide
{
    /// <summary>Keep the start and cut the end (the seed: Hugging Face <c>truncation=True</c>).</summary>
    KeepStart,
    /// <summary>Keep the most recent tokens and cut the start (after BOS).</summary>
    KeepEnd,
}
