using LLM4EHR.Data;

namespace LLM4EHR.Text;

/// <summary>The notes chosen for one stay and how many were dropped at each step.</summary>
/// <param name="Notes">Kept notes in time order (stable: equal hours keep file order).</param>
public sealed record NoteSelection(IReadOnlyList<ClinicalNote> Notes, int OutsideHorizon, int BeyondMaxNotes)
{
    /// <summary>Horizon filter, stable time sort, first/last N, as <paramref name="settings"/> say.</summary>
    public static NoteSelection Select(IcuStay stay, NoteSelectionSettings settings)
    {
        double horizon = settings.EffectiveHorizonHours(stay.Task);
        var inside = new List<ClinicalNote>(stay.Notes.Length);
        foreach (var note in stay.Notes)
        {
            // NaN compares false, so a note without a usable time is dropped with the late ones.
            if (note.Hour <= horizon)
                inside.Add(note);
        }
        // OrderBy is a stable sort: notes written at the same hour keep their file order.
        var sorted = inside.OrderBy(n => n.Hour).ToList();
        int keep = Math.Min(settings.MaxNotes, sorted.Count);
        var kept = settings.Pick == NotePick.First
            ? sorted.GetRange(0, keep)
            : sorted.GetRange(sorted.Count - keep, keep);
        return new NoteSelection(kept, stay.Notes.Length - inside.Count, inside.Count - keep);
    }

    /// <summary>The kept notes rendered with the template and joined (no BOS; that is a token, added later).</summary>
    public string Render(NoteSelectionSettings settings)
    {
        // Split the template once at {text} so braces inside note text are never treated as placeholders.
        int at = settings.Template.IndexOf("{text}", StringComparison.Ordinal);
        string before = settings.Template[..at], after = settings.Template[(at + "{text}".Length)..];
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < Notes.Count; i++)
        {
            if (i > 0)
                sb.Append(settings.Separator);
            string number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            sb.Append(before.Replace("{i}", number, StringComparison.Ordinal))
              .Append(Notes[i].Text)
              .Append(after.Replace("{i}", number, StringComparison.Ordinal));
        }
        return sb.ToString();
    }
}
