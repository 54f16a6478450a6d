using System.Text;

namespace LLM4EHR.Evaluation;

/// <summary>
/// Minimal RFC 4180 field handling for one-line records: comma-separated, fields optionally in double quotes
/// with "" for a quote. Enough for prediction files, whose only free text is the stay name.
/// </summary>
internal static class CsvFields
{
    /// <summary>Splits a line; null when a quoted field is not closed.</summary>
    public static List<string>? Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) return null;
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                // Anything between the closing quote and the next comma is kept as written.
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            }
            else
            {
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            }
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }

    /// <summary>Quotes a field when it holds a comma, a quote or leading/trailing space.</summary>
    public static string Escape(string field)
    {
        if (field.IndexOfAny(['\r', '\n']) >= 0)
            throw new ArgumentException($"CSV field cannot hold a line break: '{field.ReplaceLineEndings(" ")}'");
        bool quote = field.IndexOfAny([',', '"']) >= 0 || field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1]));
        return quote ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }
}
