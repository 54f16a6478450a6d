namespace LLM4EHR.Data;

/// <summary>One clinical note: hours since ICU admission (p2x <c>text_time</c>) and its text (<c>text_data</c>).</summary>
public readonly record struct ClinicalNote(double Hour, string Text);
