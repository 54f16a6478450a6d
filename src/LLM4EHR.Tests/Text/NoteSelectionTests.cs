using LLM4EHR.Data;
using LLM4EHR.Text;
using static LLM4EHR.Tests.Text.TextTestData;

namespace LLM4EHR.Tests.Text;

public class NoteSelectionTests
{
    private static readonly NoteSelectionSettings Seed = new();

    private static string[] Texts(NoteSelection s) => [.. s.Notes.Select(n => n.Text)];

    [Fact]
    public void Notes_are_sorted_by_time_and_ties_keep_file_order()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (30, "d"), (2, "a"), (10, "b1"), (10, "b2"), (-3, "pre"));
        Assert.Equal(["pre", "a", "b1", "b2", "d"], Texts(NoteSelection.Select(stay, Seed)));
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm, new[] { "pre", "t0", "t24", "t48" })]
    [InlineData(ClinicalTask.Pheno, new[] { "pre", "t0", "t24" })]
    public void Horizon_is_the_tasks_inclusive_and_drops_nan_hours(ClinicalTask task, string[] expected)
    {
        var stay = Stay("s", task, (48.0, "t48"), (48.01, "late"), (-1, "pre"), (0, "t0"), (24.0, "t24"),
            (24.5, "t24.5"), (double.NaN, "nan"), (90, "very late"));
        var s = NoteSelection.Select(stay, Seed with { MaxNotes = 100 });
        Assert.Equal(expected, Texts(s).Where(t => t != "t24.5"));
        Assert.Equal(task == ClinicalTask.Ihm, Texts(s).Contains("t24.5"));
        Assert.Equal(stay.Notes.Length - s.Notes.Count, s.OutsideHorizon);
    }

    [Fact]
    public void Horizon_can_be_overridden()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (5, "a"), (13, "b"));
        Assert.Equal(["a"], Texts(NoteSelection.Select(stay, Seed with { HorizonHours = 12 })));
    }

    [Fact]
    public void First_and_last_n_pick_the_earliest_or_latest_notes_in_time_order()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (6, "n6"), (1, "n1"), (5, "n5"), (2, "n2"), (4, "n4"), (3, "n3"), (7, "n7"));
        var first = NoteSelection.Select(stay, Seed with { MaxNotes = 3 });
        var last = NoteSelection.Select(stay, Seed with { MaxNotes = 3, Pick = NotePick.Last });
        Assert.Equal(["n1", "n2", "n3"], Texts(first));
        Assert.Equal(["n5", "n6", "n7"], Texts(last));
        Assert.Equal(4, first.BeyondMaxNotes);
        Assert.Equal(4, last.BeyondMaxNotes);
        Assert.Equal(5, NoteSelection.Select(stay, Seed).Notes.Count); // seed: first 5
    }

    [Fact]
    public void Seed_template_numbers_notes_from_one_and_joins_with_newline()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (9, "later note"), (1, "first note"));
        Assert.Equal("### NOTE 1 ###\nfirst note\n### NOTE 2 ###\nlater note", NoteSelection.Select(stay, Seed).Render(Seed));
    }

    [Fact]
    public void Numbering_counts_kept_notes_also_for_last_n()
    {
        var stay = Stay("s", ClinicalTask.Ihm, (1, "a"), (2, "b"), (3, "c"));
        var settings = Seed with { MaxNotes = 2, Pick = NotePick.Last };
        Assert.Equal("### NOTE 1 ###\nb\n### NOTE 2 ###\nc", NoteSelection.Select(stay, settings).Render(settings));
    }

    [Fact]
    public void Custom_template_and_separator_and_braces_in_note_text_stay_verbatim()
    {
        var stay = Stay("s", ClinicalTask.Pheno, (1, "x {i} {text}"), (2, "y"));
        var settings = Seed with { Template = "[{i}] {text} (end {i})", Separator = " | " };
        Assert.Equal("[1] x {i} {text} (end 1) | [2] y (end 2)", NoteSelection.Select(stay, settings).Render(settings));
    }

    [Theory]
    [InlineData("text.max_notes:")]
    [InlineData("text.max_tokens:")]
    [InlineData("text.template:")]
    public void Invalid_settings_name_their_config_key(string key)
    {
        var bad = key switch
        {
            "text.max_notes:" => Seed with { MaxNotes = 0 },
            "text.max_tokens:" => Seed with { MaxTokens = 0 },
            _ => Seed with { Template = "### NOTE {i} ###" },
        };
        var e = Assert.Throws<BadInputException>(bad.Validate);
        Assert.StartsWith(key, e.Message);   // the key a user writes in the YAML, not an internal name
        Seed.Validate(); // the defaults are valid
    }
}
