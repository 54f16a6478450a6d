using System.Diagnostics;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive;

namespace LLM4EHR.Notebooks;

/// <summary>
/// Runs a .dib notebook top to bottom in one in-process C# kernel, with the notebook's folder as the working
/// directory (as Polyglot Notebooks does, so relative paths in cells mean the same in VS Code and here).
/// Stops at the first failing cell; later cells are kept, unexecuted, so the report shows where it stopped.
/// <c>log</c> gets one line per cell, synchronously (so it lands in order with the verdict line).
/// </summary>
public sealed class NotebookRunner(Action<string>? log = null)
{
    /// <param name="parameters">Values for the notebook's parameters cell (see <see cref="NotebookParameters"/>).</param>
    public async Task<NotebookRunResult> RunAsync(string dibPath, CancellationToken cancel = default,
        IReadOnlyList<(string Name, string Value)>? parameters = null)
    {
        var fullPath = Path.GetFullPath(dibPath);
        var document = CodeSubmission.Parse(await File.ReadAllTextAsync(fullPath, cancel), KernelFactory.DocumentKernels());
        var elements = NotebookParameters.Inject([.. document.Elements], parameters ?? []);
        var clock = Stopwatch.StartNew();
        var previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(fullPath)!);
        try
        {
            using var kernel = KernelFactory.Create();
            var cells = new List<NotebookCell>();
            CellFailure? failure = null;
            var executionCount = 0;
            for (var i = 0; i < elements.Count; i++)
            {
                var element = elements[i];
                var kernelName = element.KernelName ?? KernelFactory.CSharp;
                var id = $"cell-{i + 1:D3}";
                var isMarkdown = element.KernelName is "markdown" or "md";
                if (isMarkdown || failure is not null || string.IsNullOrWhiteSpace(element.Contents))
                {
                    cells.Add(new NotebookCell(id, isMarkdown ? "markdown" : kernelName, element.Contents, null, []));
                    continue;
                }
                var cellClock = Stopwatch.StartNew();
                executionCount++;
                var (outputs, error) = await RunCellAsync(kernel, element.Contents, kernelName);
                cells.Add(new NotebookCell(id, kernelName, element.Contents, executionCount, outputs));
                if (error is not null)
                    failure = new CellFailure(i + 1, error);
                log?.Invoke($"cell {i + 1}/{elements.Count} {(error is null ? "ok" : "FAILED")} ({cellClock.Elapsed.TotalSeconds:F1} s)");
            }
            return new NotebookRunResult(cells, failure, clock.Elapsed);
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    /// <summary>Submits one cell and turns the kernel events into Jupyter outputs; returns the error line, if any.</summary>
    private static async Task<(List<CellOutput> Outputs, string? Error)> RunCellAsync(Kernel kernel, string code, string kernelName)
    {
        var outputs = new List<CellOutput>();
        // The object each display() output showed, so an update of that same object can find it (see below).
        var displayed = new Dictionary<int, object?>();
        string? error = null;
        var result = await kernel.SendAsync(new SubmitCode(code, kernelName));
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    AppendStream(outputs, "stdout", PlainText(o.FormattedValues));
                    break;
                case StandardErrorValueProduced o:
                    AppendStream(outputs, "stderr", PlainText(o.FormattedValues));
                    break;
                case ReturnValueProduced r:
                    outputs.Add(CellOutput.Result(ToData(r.FormattedValues)));
                    break;
                case DisplayedValueUpdated u:
                    // Replace the earlier output of the same display id (progress bars, updated tables). The
                    // Interactive 1.0 betas give display()'s event one id and the returned DisplayedValue's updates
                    // another, so an update of the very object an output displayed also replaces that output:
                    // `var d = display(x); ... d.Update(x);` then records x's final state once.
                    var at = outputs.FindIndex(x => x.ValueId is not null && x.ValueId == u.ValueId);
                    if (at < 0 && u.Value is not null)
                        at = displayed.Where(kv => ReferenceEquals(kv.Value, u.Value)).Select(kv => kv.Key).DefaultIfEmpty(-1).Max();
                    if (at >= 0)
                        outputs[at] = CellOutput.Display(ToData(u.FormattedValues), u.ValueId);
                    else
                        outputs.Add(CellOutput.Display(ToData(u.FormattedValues), u.ValueId));
                    break;
                case ErrorProduced p:
                    outputs.Add(CellOutput.Error("Error", p.Message));
                    break;
                case DisplayEvent d:
                    displayed[outputs.Count] = d.Value;
                    outputs.Add(CellOutput.Display(ToData(d.FormattedValues), d.ValueId));
                    break;
                case CommandFailed f:
                    var name = f.Exception?.GetType().Name ?? "CompilationError";
                    outputs.Add(CellOutput.Error(name, f.Message));
                    error = $"{name}: {OneLine(f.Message)}";
                    break;
            }
        }
        return (outputs, error);
    }

    private static void AppendStream(List<CellOutput> outputs, string name, string text)
    {
        // Consecutive writes to one stream become one Jupyter stream output, as Jupyter itself does.
        if (outputs.Count > 0 && outputs[^1].Kind == "stream" && outputs[^1].StreamName == name)
            outputs[^1] = CellOutput.Stream(name, outputs[^1].Text + text);
        else
            outputs.Add(CellOutput.Stream(name, text));
    }

    private static string PlainText(IReadOnlyCollection<FormattedValue> values) =>
        (values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType) ?? values.First()).Value;

    private static Dictionary<string, string> ToData(IReadOnlyCollection<FormattedValue> values) =>
        values.Where(v => !v.SuppressDisplay).GroupBy(v => v.MimeType).ToDictionary(g => g.Key, g => g.First().Value);

    private static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no message)" : string.Join(" | ", lines.Take(3));
    }
}

/// <summary>The first cell that failed: its 1-based position in the notebook and a one-line reason.</summary>
public sealed record CellFailure(int CellNumber, string Message);

/// <summary>The executed notebook. <see cref="Failure"/> is null when every code cell succeeded.</summary>
public sealed record NotebookRunResult(IReadOnlyList<NotebookCell> Cells, CellFailure? Failure, TimeSpan Elapsed);
