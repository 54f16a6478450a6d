using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLM4EHR.Notebooks;

/// <summary>
/// Writes an executed notebook as Jupyter nbformat 4.5 (cell ids set). The metadata names the .NET C# kernel
/// the way Polyglot Notebooks does, so the report also opens in VS Code with its outputs.
/// </summary>
public static class IpynbWriter
{
    // Notebook JSON is read by Jupyter, not embedded in HTML: keep "<", ">" and quotes readable (and the file smaller).
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject ToJson(IReadOnlyList<NotebookCell> cells)
    {
        var jsonCells = new JsonArray();
        foreach (var cell in cells)
            jsonCells.Add(cell.IsMarkdown ? Markdown(cell) : Code(cell));
        return new JsonObject
        {
            ["cells"] = jsonCells,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["name"] = "csharp", ["pygments_lexer"] = "csharp" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = KernelFactory.CSharp,
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = KernelFactory.CSharp }),
                    },
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
    }

    /// <summary>Writes via a temp file and rename, so a crash never leaves half a notebook behind.</summary>
    public static void Write(string path, IReadOnlyList<NotebookCell> cells)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, ToJson(cells).ToJsonString(Options) + "\n");
        File.Move(temp, full, overwrite: true);
    }

    private static JsonObject Markdown(NotebookCell cell) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = cell.Id,
        ["metadata"] = new JsonObject(),
        ["source"] = Lines(cell.Source),
    };

    private static JsonObject Code(NotebookCell cell)
    {
        var outputs = new JsonArray();
        foreach (var o in cell.Outputs)
            outputs.Add(Output(o, cell.ExecutionCount));
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = cell.ExecutionCount,
            ["id"] = cell.Id,
            ["metadata"] = new JsonObject
            {
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = cell.KernelName },
            },
            ["outputs"] = outputs,
            ["source"] = Lines(cell.Source),
        };
    }

    private static JsonObject Output(CellOutput o, int? executionCount) => o.Kind switch
    {
        "stream" => new JsonObject { ["output_type"] = "stream", ["name"] = o.StreamName, ["text"] = Lines(o.Text ?? "") },
        "error" => new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = o.ErrorName,
            ["evalue"] = o.Text,
            ["traceback"] = new JsonArray((o.Text ?? "").Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
        },
        "execute_result" => new JsonObject
        {
            ["output_type"] = "execute_result",
            ["data"] = Data(o.Data!),
            ["execution_count"] = executionCount,
            ["metadata"] = new JsonObject(),
        },
        _ => new JsonObject { ["output_type"] = "display_data", ["data"] = Data(o.Data!), ["metadata"] = new JsonObject() },
    };

    /// <summary>JSON MIME types hold JSON in nbformat; everything else is text.</summary>
    private static JsonObject Data(IReadOnlyDictionary<string, string> data)
    {
        var json = new JsonObject();
        foreach (var (mime, value) in data)
            json[mime] = mime.EndsWith("json", StringComparison.Ordinal) && TryParse(value) is { } node ? node : Lines(value);
        return json;
    }

    private static JsonNode? TryParse(string value)
    {
        try { return JsonNode.Parse(value); }
        catch (JsonException) { return null; }
    }

    /// <summary>nbformat multiline strings: a list of lines, each keeping its "\n" except the last.</summary>
    private static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }
}
