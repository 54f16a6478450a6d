using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// How a stay's notes become one token sequence and how sequences are batched.
/// <paramref name="Template"/> is how each selected note is written before the notes are joined; the text
/// pipeline fills its placeholders (<c>{text}</c> = the note text).
/// </summary>
public sealed record TextSettings(int MaxNotes, NoteOrder NoteOrder, string Template, int MaxTokens, TruncationSide Truncation,
    EmptyNotePolicy EmptyNotes, bool BucketByLength, PadSide PadSide)
{
    internal static TextSettings Read(ConfigSection s)
    {
        var t = new TextSettings(s.Int("max_notes", 5, min: 1), s.Choice("note_order", NoteOrder.First), s.Text("template", "{text}"),
            s.Int("max_tokens", 8000, min: 2), s.Choice("truncation", TruncationSide.KeepStart),
            s.Choice("empty_notes", EmptyNotePolicy.Skip), s.Bool("bucket_by_length", true), s.Choice("pad_side", PadSide.Right));
        if (!t.Template.Contains("{text}", StringComparison.Ordinal))
            throw s.Error("template", $"must contain {{text}} (where the note text goes), got '{t.Template}'");
        s.Finish();
        return t;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("max_notes", YamlOut.Int(MaxNotes)), ("note_order", YamlOut.Choice(NoteOrder)), ("template", YamlOut.Text(Template)),
        ("max_tokens", YamlOut.Int(MaxTokens)), ("truncation", YamlOut.Choice(Truncation)),
        ("empty_notes", YamlOut.Choice(EmptyNotes)), ("bucket_by_length", YamlOut.Bool(BucketByLength)),
        ("pad_side", YamlOut.Choice(PadSide)));
}
