using System.Text.Json;

namespace LLM4EHR.IO;

/// <summary>How our JSON files write a number that may be undefined: null for null, NaN and ±∞ (JSON has no NaN).</summary>
internal static class JsonNumbers
{
    public static void Write(Utf8JsonWriter w, string name, double? value)
    {
        w.WritePropertyName(name);
        Write(w, value);
    }

    public static void Write(Utf8JsonWriter w, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }
}
