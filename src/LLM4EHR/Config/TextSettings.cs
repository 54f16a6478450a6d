using LLM4EHR.Data;
using LLM4EHR.Text;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// How a stay's notes become one token sequence and how sequences are batched (YAML <c>text:</c>).
/// <paramref name="Template"/> is how each selected note is written before the notes are joined (<c>{i}</c> = the
/// note's number, <c>{text}</c> = the note text). Defaults are those of <see cref="NoteSelectionSettings"/>
/// (the seed; max_tokens the per-task cap), so a config that leaves a key out tokenizes like the text pipeline's defaults.
/// </summary>
public sealed record TextSettings(int MaxNotes, NotePick NoteOrder, string Template, int MaxTokens, TruncationSide Truncation,
    EmptyStayPolicy EmptyNotes, bool BucketByLength, PaddingSide PadSide)
{
    // One source for the defaults: the text pipeline's own.
    private static readonly NoteSelectionSettings Seed = new();

    internal static TextSettings Read(ConfigSection s, ClinicalTask task)
    {
        var t = new TextSettings(s.Int("max_notes", Seed.MaxNotes, min: 1), s.Choice("note_order", Seed.Pick), s.Text("template", Seed.Template),
            s.Int("max_tokens", NoteSelectionSettings.DefaultMaxTokens(task), min: 2), s.Choice("truncation", Seed.Truncation),
            s.Choice("empty_notes", Seed.EmptyStays), s.Bool("bucket_by_length", true), s.Choice("pad_side", PaddingSide.Right));
        if (!t.Template.Contains("{text}", StringComparison.Ordinal))
            throw s.Error("template", $"must contain {{text}} (where the note text goes), got '{t.Template}'");
        s.Finish();
        return t;
    }

    /// <summary>The note-selection part of these settings, for the tokenizer (separator and horizon keep their defaults).</summary>
    public NoteSelectionSettings ToNoteSelection() => new()
    {
        MaxNotes = MaxNotes,
        Pick = NoteOrder,
        Template = Template,
        MaxTokens = MaxTokens,
        Truncation = Truncation,
        EmptyStays = EmptyNotes,
    };

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("max_notes", YamlOut.Int(MaxNotes)), ("note_order", YamlOut.Choice(NoteOrder)), ("template", YamlOut.Text(Template)),
        ("max_tokens", YamlOut.Int(MaxTokens)), ("truncation", YamlOut.Choice(Truncation)),
        ("empty_notes", YamlOut.Choice(EmptyNotes)), ("bucket_by_length", YamlOut.Bool(BucketByLength)),
        ("pad_side", YamlOut.Choice(PadSide)));
}
