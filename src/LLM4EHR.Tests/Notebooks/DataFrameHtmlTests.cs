using LLM4EHR.Interactive;
using Microsoft.Data.Analysis;

namespace LLM4EHR.Tests.Notebooks;

public sealed class DataFrameHtmlTests
{
    [Fact]
    public void Table_shows_typed_headers_first_rows_and_shape()
    {
        var frame = new DataFrame(
            new Int32DataFrameColumn("stay", Enumerable.Range(0, 30)),
            new StringDataFrameColumn("note", Enumerable.Range(0, 30).Select(i => i == 0 ? "<b>bold</b>" : $"n{i}")));
        var html = DataFrameHtml.ToHtml(frame, maxRows: 25);
        Assert.Contains("<th>stay<br/><small>Int32</small></th>", html);
        Assert.Equal(25, System.Text.RegularExpressions.Regex.Count(html, @"<tr><th>\d+</th>"));
        Assert.Contains("<td>n24</td>", html);
        Assert.DoesNotContain("<td>n25</td>", html);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html);
        Assert.Contains("30 rows × 2 columns (first 25 shown)", html);
    }

    [Fact]
    public void Missing_values_and_doubles_render_invariantly()
    {
        var column = new DoubleDataFrameColumn("auroc", [0.123456789, null]);
        var html = DataFrameHtml.ToHtml(new DataFrame(column));
        Assert.Contains("<td>0.123457</td>", html);
        Assert.Contains("<td>null</td>", html);
        Assert.Contains("2 rows × 1 columns</small>", html);
    }
}
