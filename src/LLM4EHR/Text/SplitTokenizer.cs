using LLM4EHR.Data;

namespace LLM4EHR.Text;

/// <summary>
/// Turns stays into <see cref="TokenizedStay"/>s: note selection, template, tokenization, framing ids (Llama-3: BOS;
/// BERT: [CLS] … [SEP]), truncation.
/// Stays are independent, so they are tokenized in parallel; the output keeps input order.
/// </summary>
public static class SplitTokenizer
{
    /// <summary>
    /// One stay: start ids + the tokens of its rendered notes + end ids, cut to <c>max_tokens</c> (the framing ids
    /// always kept); null when the stay has no note
    /// in the horizon and the policy is <see cref="EmptyStayPolicy.Skip"/>.
    /// </summary>
    public static TokenizedStay? TokenizeStay(IcuStay stay, ITextTokenizer tokenizer, NoteSelectionSettings settings)
    {
        settings.Validate();
        RequireRoom(tokenizer, settings, stay.Task);
        return Tokenize(stay, tokenizer, settings).Stay;
    }

    /// <summary>
    /// Tokenizes every stay. <paramref name="maxThreads"/> caps parallelism (null or 0 = all cores).
    /// <paramref name="progress"/> receives the number of stays done, now and then.
    /// </summary>
    public static TokenizedSplit Tokenize(
        IReadOnlyList<IcuStay> stays,
        ITextTokenizer tokenizer,
        NoteSelectionSettings settings,
        int? maxThreads = null,
        IProgress<int>? progress = null)
    {
        settings.Validate();
        foreach (var task in stays.Select(s => s.Task).Distinct())
            RequireRoom(tokenizer, settings, task);
        var results = new StayResult[stays.Count];
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads is > 0 ? maxThreads.Value : -1 };
        Parallel.For(0, stays.Count, options, i =>
        {
            results[i] = Tokenize(stays[i], tokenizer, settings);
            int n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 500 == 0 || n == stays.Count))
                progress.Report(n);
        });
        return Aggregate(results);
    }

    private static TokenizedSplit Aggregate(StayResult[] results)
    {
        var kept = new List<TokenizedStay>(results.Length);
        int withoutNotes = 0, skipped = 0, truncated = 0, longest = 0;
        long notes = 0, outside = 0, beyond = 0, used = 0, tokens = 0;
        foreach (var r in results)
        {
            notes += r.Notes;
            outside += r.Selection.OutsideHorizon;
            beyond += r.Selection.BeyondMaxNotes;
            if (r.Selection.Notes.Count == 0)
                withoutNotes++;
            if (r.Stay is null)
            {
                skipped++;
                continue;
            }
            used += r.Selection.Notes.Count;
            if (r.Truncated)
                truncated++;
            tokens += r.Stay.TokenIds.Length;
            longest = Math.Max(longest, r.Stay.TokenIds.Length);
            kept.Add(r.Stay);
        }
        var summary = new TokenizationSummary
        {
            Stays = results.Length,
            KeptStays = kept.Count,
            StaysWithoutNotes = withoutNotes,
            SkippedStays = skipped,
            Notes = notes,
            NotesOutsideHorizon = outside,
            NotesBeyondMaxNotes = beyond,
            NotesUsed = used,
            TruncatedStays = truncated,
            Tokens = tokens,
            MaxSequenceLength = longest,
        };
        return new TokenizedSplit(kept, summary);
    }

    private static StayResult Tokenize(IcuStay stay, ITextTokenizer tokenizer, NoteSelectionSettings settings)
    {
        var selection = NoteSelection.Select(stay, settings);
        var labels = stay.Labels.Select(l => (float)l).ToArray();
        var start = tokenizer.SequenceStart;
        var end = tokenizer.SequenceEnd;
        if (selection.Notes.Count == 0)
        {
            // As the seed's tokenizer does for empty text: the framing ids alone (Llama-3: BOS; BERT: [CLS] [SEP]).
            var frameOnly = settings.EmptyStays == EmptyStayPolicy.KeepBosOnly
                ? new TokenizedStay(stay.Name, [.. start, .. end], labels)
                : null;
            return new StayResult(frameOnly, selection, stay.Notes.Length, Truncated: false);
        }

        string text = selection.Render(settings);
        int budget = settings.EffectiveMaxTokens(stay.Task) - start.Count - end.Count; // the framing ids take their slots
        int[] body;
        bool truncated;
        if (settings.Truncation == TruncationSide.KeepStart)
        {
            body = tokenizer.EncodePrefix(text, budget, out truncated);
        }
        else
        {
            body = tokenizer.Encode(text);
            truncated = body.Length > budget;
            if (truncated)
                body = body[^budget..];
        }
        int[] ids = [.. start, .. body, .. end];
        return new StayResult(new TokenizedStay(stay.Name, ids, labels), selection, stay.Notes.Length, truncated);
    }

    private static void RequireRoom(ITextTokenizer tokenizer, NoteSelectionSettings settings, ClinicalTask task)
    {
        int frame = tokenizer.SequenceStart.Count + tokenizer.SequenceEnd.Count;
        if (settings.EffectiveMaxTokens(task) < frame)
            throw new BadInputException($"text.max_tokens: {settings.EffectiveMaxTokens(task)} leaves no room for the " +
                                        $"{frame} framing ids of the {tokenizer.Kind} tokenizer");
    }

    private readonly record struct StayResult(TokenizedStay? Stay, NoteSelection Selection, int Notes, bool Truncated);
}
