using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;

namespace LLM4EHR.Interactive;

/// <summary>
/// A DataFrame as an HTML table: column names with their element type, the first rows, and the shape.
/// (Without it the kernel falls back to enumerating DataFrameRow objects, which shows no column names.)
/// </summary>
public static class DataFrameHtml
{
    public static string ToHtml(DataFrame frame, int maxRows = 25)
    {
        var rows = frame.Rows.Count;
        var shown = (int)Math.Min(rows, Math.Max(0, maxRows));
        var html = new StringBuilder();
        html.Append("<table class=\"llm4ehr-dataframe\"><thead><tr><th></th>");
        foreach (var column in frame.Columns)
            html.Append("<th>").Append(Encode(column.Name)).Append("<br/><small>").Append(Encode(column.DataType.Name)).Append("</small></th>");
        html.Append("</tr></thead><tbody>");
        for (var r = 0; r < shown; r++)
        {
            html.Append("<tr><th>").Append(r).Append("</th>");
            foreach (var column in frame.Columns)
                html.Append("<td>").Append(Encode(Cell(column[r]))).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        var more = rows > shown ? $" (first {shown} shown)" : "";
        html.Append(CultureInfo.InvariantCulture, $"<p><small>{rows} rows × {frame.Columns.Count} columns{more}</small></p>");
        return html.ToString();
    }

    private static string Cell(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
