namespace LLM4EHR.Text;

/// <summary>
/// What note selection and tokenization did to a split, so nothing is dropped silently. Stored in the cache
/// with the tokens, so a cache hit reports the same numbers.
/// </summary>
public sealed record TokenizationSummary
{
    /// <summary>Stays in the input.</summary>
    public int Stays { get; init; }
    /// <summary>Stays in the tokenized split (= <see cref="Stays"/> − <see cref="SkippedStays"/>).</summary>
    public int KeptStays { get; init; }
    /// <summary>Stays with no note inside the horizon (kept as BOS only or skipped, per the policy).</summary>
    public int StaysWithoutNotes { get; init; }
    /// <summary>Stays left out (only under <see cref="EmptyStayPolicy.Skip"/>).</summary>
    public int SkippedStays { get; init; }
    /// <summary>Notes in the input stays.</summary>
    public long Notes { get; init; }
    /// <summary>Notes after the horizon (or with a NaN hour), dropped.</summary>
    public long NotesOutsideHorizon { get; init; }
    /// <summary>Notes inside the horizon but beyond <c>max_notes</c>, dropped.</summary>
    public long NotesBeyondMaxNotes { get; init; }
    /// <summary>Notes that made it into sequences.</summary>
    public long NotesUsed { get; init; }
    /// <summary>Stays whose sequence was cut at <c>max_tokens</c>.</summary>
    public int TruncatedStays { get; init; }
    /// <summary>Tokens in the kept sequences (BOS included).</summary>
    public long Tokens { get; init; }
    /// <summary>Longest kept sequence.</summary>
    public int MaxSequenceLength { get; init; }

    public override string ToString() =>
        $"{KeptStays}/{Stays} stays kept ({StaysWithoutNotes} without notes, {SkippedStays} skipped), " +
        $"{NotesUsed}/{Notes} notes used ({NotesOutsideHorizon} after horizon, {NotesBeyondMaxNotes} beyond max_notes), " +
        $"{TruncatedStays} truncated, {Tokens} tokens, longest {MaxSequenceLength}";
}
