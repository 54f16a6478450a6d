namespace LLM4EHR.Notebooks;

/// <summary>Command line of the notebook runner; progress goes to stderr, the one-line verdict to stdout.</summary>
public static class RunnerCli
{
    public const string Usage = "usage: LLM4EHR.Notebooks run <notebook.dib> --out <report.ipynb> [--html] [--param name=value ...]";

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length < 2 || args[0] != "run")
            return Fail(Usage);
        string? dib = null, outPath = null;
        var html = false;
        var parameters = new List<(string Name, string Value)>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length: outPath = args[++i]; break;
                case "--html": html = true; break;
                case "--param" when i + 1 < args.Length:
                    if (NotebookParameters.Parse(args[++i], out var error) is not { } p)
                        return Fail(error!);
                    parameters.Add(p);
                    break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && dib is null: dib = a; break;
                default: return Fail($"unknown argument '{args[i]}'. {Usage}");
            }
        }
        if (dib is null || outPath is null)
            return Fail(Usage);
        if (!File.Exists(dib))
            return Fail($"{dib}: notebook not found");

        var runner = new NotebookRunner(line => Console.Error.WriteLine($"{Path.GetFileName(dib)}: {line}"));
        NotebookRunResult result;
        try
        {
            result = await runner.RunAsync(dib, parameters: parameters);
        }
        catch (InvalidOperationException e) when (parameters.Count > 0)
        {
            return Fail($"{dib}: {e.Message}");
        }
        IpynbWriter.Write(outPath, result.Cells);
        var written = outPath;
        if (html)
        {
            var htmlPath = Path.ChangeExtension(outPath, ".html");
            try
            {
                HtmlReport.Write(outPath, htmlPath);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 3;
            }
            written += ", " + htmlPath;
        }
        if (result.Failure is { } f)
        {
            Console.Out.WriteLine($"{dib}: cell {f.CellNumber} failed: {f.Message}");
            return 1;
        }
        Console.Out.WriteLine($"{dib}: {result.Cells.Count(c => c.ExecutionCount is not null)} cells ran in {result.Elapsed.TotalSeconds:F1} s; wrote {written}");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
