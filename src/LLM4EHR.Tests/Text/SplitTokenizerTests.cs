using LLM4EHR.Data;
using LLM4EHR.Text;
using static LLM4EHR.Tests.Text.TextTestData;

namespace LLM4EHR.Tests.Text;

public class SplitTokenizerTests
{
    private static Llama3Tokenizer Tok => Llama3Tokenizer.Embedded;
    private static readonly NoteSelectionSettings Seed = new();

    private static string Render(NoteSelectionSettings settings, IcuStay stay) => NoteSelection.Select(stay, settings).Render(settings);

    [Fact]
    public void Sequence_is_bos_then_the_rendered_notes()
    {
        var stay = Stay("s", ClinicalTask.Ihm, [1], (3, "pt intubated"), (1, "admitted"));
        var t = SplitTokenizer.TokenizeStay(stay, Tok, Seed)!;
        Assert.Equal([Tok.BeginOfTextId, .. Tok.Encode("### NOTE 1 ###\nadmitted\n### NOTE 2 ###\npt intubated")], t.TokenIds);
        Assert.Equal([1f], t.Labels);
        Assert.Equal("s", t.Name);
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm, 8000)]
    [InlineData(ClinicalTask.Pheno, 6000)]
    public void Seed_caps_each_task_at_its_max_tokens_keeping_the_start(ClinicalTask task, int cap)
    {
        var stay = Stay("s", task, (1, LongText(12000)));
        var full = Tok.Encode(Render(Seed, stay));
        Assert.True(full.Length > cap);
        var ids = SplitTokenizer.TokenizeStay(stay, Tok, Seed)!.TokenIds;
        Assert.Equal(cap, ids.Length);
        Assert.Equal([Tok.BeginOfTextId, .. full[..(cap - 1)]], ids);
    }

    [Fact]
    public void Keep_end_keeps_bos_and_the_most_recent_tokens()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (1, LongText(300, seed: 1)), (2, LongText(300, seed: 2)));
        var settings = Seed with { MaxTokens = 101, Truncation = TruncationSide.KeepEnd };
        var full = Tok.Encode(Render(settings, stay));
        var ids = SplitTokenizer.TokenizeStay(stay, Tok, settings)!.TokenIds;
        Assert.Equal([Tok.BeginOfTextId, .. full[^100..]], ids);
    }

    [Fact]
    public void Short_sequences_are_not_truncated_either_way()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (1, "afebrile"));
        foreach (var side in new[] { TruncationSide.KeepStart, TruncationSide.KeepEnd })
        {
            var split = SplitTokenizer.Tokenize([stay], Tok, Seed with { MaxTokens = 50, Truncation = side });
            Assert.Equal([Tok.BeginOfTextId, .. Tok.Encode("### NOTE 1 ###\nafebrile")], split.Stays[0].TokenIds);
            Assert.Equal(0, split.Summary.TruncatedStays);
        }
    }

    [Fact]
    public void Stays_without_notes_in_the_horizon_are_kept_as_bos_only_by_default_and_counted()
    {
        IcuStay[] stays = [Stay("empty", ClinicalTask.Ihm), Stay("late", ClinicalTask.Ihm, (60, "x")), Stay("ok", ClinicalTask.Ihm, (1, "y"))];
        var split = SplitTokenizer.Tokenize(stays, Tok, Seed);
        Assert.Equal(["empty", "late", "ok"], split.Stays.Select(s => s.Name));
        Assert.Equal([Tok.BeginOfTextId], split.Stays[0].TokenIds);
        Assert.Equal([Tok.BeginOfTextId], split.Stays[1].TokenIds);
        Assert.Equal(2, split.Summary.StaysWithoutNotes);
        Assert.Equal(0, split.Summary.SkippedStays);
        Assert.Equal(3, split.Summary.KeptStays);
    }

    [Fact]
    public void Skip_policy_leaves_empty_stays_out_and_counts_them()
    {
        IcuStay[] stays = [Stay("empty", ClinicalTask.Pheno), Stay("late", ClinicalTask.Pheno, (30, "x")), Stay("ok", ClinicalTask.Pheno, (1, "y"))];
        var split = SplitTokenizer.Tokenize(stays, Tok, Seed with { EmptyStays = EmptyStayPolicy.Skip });
        Assert.Equal(["ok"], split.Stays.Select(s => s.Name));
        Assert.Equal(3, split.Summary.Stays);
        Assert.Equal(1, split.Summary.KeptStays);
        Assert.Equal(2, split.Summary.StaysWithoutNotes);
        Assert.Equal(2, split.Summary.SkippedStays);
    }

    [Fact]
    public void Summary_accounts_for_every_note_and_token()
    {
        IcuStay[] stays =
        [
            Stay("a", ClinicalTask.Ihm, (1, "n"), (2, "n"), (3, "n"), (50, "late")),
            Stay("b", ClinicalTask.Ihm, (1, LongText(500))),
            Stay("c", ClinicalTask.Ihm),
        ];
        var split = SplitTokenizer.Tokenize(stays, Tok, Seed with { MaxNotes = 2, MaxTokens = 64 });
        var s = split.Summary;
        Assert.Equal(5, s.Notes);
        Assert.Equal(1, s.NotesOutsideHorizon);
        Assert.Equal(1, s.NotesBeyondMaxNotes);
        Assert.Equal(3, s.NotesUsed);
        Assert.Equal(s.Notes, s.NotesUsed + s.NotesOutsideHorizon + s.NotesBeyondMaxNotes);
        Assert.Equal(1, s.TruncatedStays);
        Assert.Equal(split.Stays.Sum(t => (long)t.TokenIds.Length), s.Tokens);
        Assert.Equal(64, s.MaxSequenceLength);
    }

    [Fact]
    public void Parallel_tokenization_keeps_input_order_and_equals_sequential()
    {
        var stays = Enumerable.Range(0, 64)
            .Select(i => Stay($"s{i}", ClinicalTask.Pheno, (i % 5, LongText(20 + i, seed: i)), (1, LongText(10, seed: 100 + i))))
            .ToArray();
        var parallel = SplitTokenizer.Tokenize(stays, Tok, Seed);
        var sequential = SplitTokenizer.Tokenize(stays, Tok, Seed, maxThreads: 1);
        Assert.Equal(stays.Select(s => s.Name), parallel.Stays.Select(s => s.Name));
        for (int i = 0; i < stays.Length; i++)
            Assert.Equal(sequential.Stays[i].TokenIds, parallel.Stays[i].TokenIds);
        Assert.Equal(sequential.Summary, parallel.Summary);
    }
}
