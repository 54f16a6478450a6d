namespace LLM4EHR.Text;

/// <summary>Which notes of a stay to keep when it has more than <c>max_notes</c> inside the horizon.</summary>
public enum NotePick
{
    /// <summary>The earliest notes (the seed's choice).</summary>
    First,
    /// <summary>The most recent notes (closest to the prediction time).</summary>
    Last,
}
