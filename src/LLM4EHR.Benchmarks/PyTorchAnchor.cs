using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// The outside anchor of <c>bench train-step --anchor pytorch</c>: the same bench model and step written in plain
/// PyTorch (anchors/train_step_pytorch.py, embedded here), run by /usr/bin/python3 as a child process in its
/// <c>--serve</c> mode so that its steps alternate with ours under the same machine load. Fairness
/// (Benchmarks/README.md, "PyTorch anchor"): the same shapes and dtype (the parameter counts are compared), the same
/// threads and OMP_WAIT_POLICY, and the machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides removed for this
/// process alone, so OpenBLAS picks its native kernels for the CPU.
/// </summary>
public sealed class PyTorchAnchor : IDisposable
{
    public const string PythonExe = LoadBenchmark.PythonExe;
    /// <summary>The machine-wide OpenBLAS overrides the anchor's environment drops.</summary>
    public static readonly string[] DroppedVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];
    /// <summary>
    /// Debian's OpenBLAS builds (libopenblas0-openmp / -pthread), OpenMP first: PyTorch runs its own ops on OpenMP, and
    /// the pthread build would add a second thread pool beside it. The first present goes first on LD_LIBRARY_PATH, so
    /// libtorch loads OpenBLAS whichever libblas.so.3 the system's alternatives point at.
    /// </summary>
    public static readonly string[] OpenBlasDirectories =
        ["/usr/lib/x86_64-linux-gnu/openblas-openmp", "/usr/lib/x86_64-linux-gnu/openblas-pthread"];

    private readonly Process _process;
    private readonly StringBuilder _stderr; // the child's stderr so far, for error messages

    private PyTorchAnchor(Process process, StringBuilder stderr, PyTorchAnchorInfo info)
    {
        _process = process;
        _stderr = stderr;
        Info = info;
    }

    /// <summary>What the program reported once its model was built.</summary>
    public PyTorchAnchorInfo Info { get; }

    /// <summary>
    /// Starts the program for the bench model of <paramref name="o"/> and waits until its model is built; null (with a
    /// progress line saying why) when the interpreter (/usr/bin/python3) or its torch module is missing. Any other failure throws.
    /// </summary>
    public static PyTorchAnchor? Start(TrainStepOptions o, IProgress<string>? progress = null, string pythonExe = PythonExe)
    {
        if (!File.Exists(pythonExe))
        {
            progress?.Report($"PyTorch anchor skipped: no {pythonExe}");
            return null;
        }
        string? blasDir = OpenBlasDirectories.FirstOrDefault(d => File.Exists(Path.Combine(d, "libblas.so.3")));
        if (blasDir is null)
            progress?.Report("PyTorch anchor: no Debian OpenBLAS (libopenblas0-openmp) found; PyTorch uses the system's libblas.so.3");
        var stderr = new StringBuilder();
        var process = Process.Start(StartInfo(o, blasDir, pythonExe))!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        string? ready = process.StandardOutput.ReadLine();
        if (ready is null)
        {
            process.WaitForExit();
            int exitCode = process.ExitCode;
            process.Dispose();
            string err = Text(stderr);
            if (err.Contains("No module named 'torch'"))
            {
                progress?.Report($"PyTorch anchor skipped: {pythonExe} has no torch module");
                return null;
            }
            throw new InvalidOperationException($"PyTorch anchor failed to start (exit {exitCode}): {LastLine(err)}");
        }
        try
        {
            return new PyTorchAnchor(process, stderr, ParseReady(ready));
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>The child's command line and environment (separate so tests can check them without running Python).</summary>
    internal static ProcessStartInfo StartInfo(TrainStepOptions o, string? openBlasDir, string pythonExe = PythonExe)
    {
        var psi = new ProcessStartInfo(pythonExe)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        foreach (var arg in Arguments(o))
            psi.ArgumentList.Add(arg);
        PrepareEnvironment(psi.Environment, o.Threads, openBlasDir);
        return psi;
    }

    /// <summary>The program's arguments for the bench model of <paramref name="o"/>, in serve mode.</summary>
    internal static IEnumerable<string> Arguments(TrainStepOptions o)
    {
        foreach (var (name, value) in new (string, int)[]
                 {
                     ("hidden", o.Hidden), ("layers", o.Layers), ("heads", o.Heads), ("kv-heads", o.KvHeads),
                     ("intermediate", o.Intermediate), ("vocab", o.Vocab), ("seq", o.SequenceLength), ("batch", o.BatchSize),
                     ("threads", o.Threads), ("seed", (int)o.Seed),
                 })
        {
            yield return "--" + name;
            yield return value.ToString(CultureInfo.InvariantCulture);
        }
        yield return "--dtype";
        yield return BenchSummaryPeak.DtypeName(o.Dtype);
        yield return "--serve";
    }

    /// <summary>
    /// The child's environment, from ours: the OpenBLAS overrides dropped, OpenMP and OpenBLAS held to our thread
    /// count, OpenBLAS first on the library path when found; everything else (OMP_WAIT_POLICY included) inherited.
    /// </summary>
    internal static void PrepareEnvironment(IDictionary<string, string?> env, int threads, string? openBlasDir)
    {
        foreach (var name in DroppedVariables)
            env.Remove(name);
        string n = threads.ToString(CultureInfo.InvariantCulture);
        env["OMP_NUM_THREADS"] = n;
        env["OPENBLAS_NUM_THREADS"] = n;
        if (openBlasDir is not null)
            env["LD_LIBRARY_PATH"] = env.TryGetValue("LD_LIBRARY_PATH", out var path) && !string.IsNullOrEmpty(path)
                ? $"{openBlasDir}:{path}" : openBlasDir;
    }

    /// <summary>Runs one step in the child; its wall time in ms, timed there (zero_grad, forward, backward, AdamW step).</summary>
    public double Step()
    {
        _process.StandardInput.WriteLine("step");
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            _process.WaitForExit();
            throw new InvalidOperationException($"PyTorch anchor died during a step (exit {_process.ExitCode}): {LastLine(Text(_stderr))}");
        }
        return ParseStepMs(line);
    }

    /// <summary>The <c>ready key=value …</c> line the program prints once its model is built.</summary>
    public static PyTorchAnchorInfo ParseReady(string line)
    {
        const string prefix = "ready ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"PyTorch anchor: expected 'ready …', got '{line}'");
        var fields = line[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.Length == 2 ? kv[1] : throw new InvalidOperationException($"PyTorch anchor: '{kv[0]}' has no value in '{line}'"));
        string Get(string key) => fields.TryGetValue(key, out var v) ? v : throw new InvalidOperationException($"PyTorch anchor: no '{key}' in '{line}'");
        long Long(string key) => long.Parse(Get(key), CultureInfo.InvariantCulture);
        return new PyTorchAnchorInfo(Get("torch"), Get("blas"), Get("dtype"), (int)Long("threads"), Get("attention"),
            Long("params"), Long("trainable"));
    }

    /// <summary>The <c>ms=…</c> line the program prints after each step.</summary>
    public static double ParseStepMs(string line) =>
        line.StartsWith("ms=", StringComparison.Ordinal)
        && double.TryParse(line.AsSpan(3), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms > 0
            ? ms
            : throw new InvalidOperationException($"PyTorch anchor: expected 'ms=<step ms>', got '{line}'");

    /// <summary>The Python program (anchors/train_step_pytorch.py), as embedded in this assembly.</summary>
    public static string Script => s_script ??= ReadScript();
    private static string? s_script;

    private static string ReadScript()
    {
        using var stream = typeof(PyTorchAnchor).Assembly.GetManifestResourceStream("anchors/train_step_pytorch.py")
            ?? throw new InvalidOperationException("anchors/train_step_pytorch.py is not embedded in LLM4EHR.Benchmarks");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Text(StringBuilder stderr)
    {
        lock (stderr) return stderr.ToString();
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no message)";

    /// <summary>Closes the child's stdin (it ends at EOF); kills it if it has not exited within 10 s.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000))
                _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        _process.Dispose();
    }
}

/// <summary>
/// What the PyTorch program says about itself: torch version, the BLAS libtorch loaded (e.g.
/// <c>openblas-0.3.21-Cooperlake</c>: version and the core type OpenBLAS chose), dtype, threads, attention path
/// (<c>explicit-softmax</c> before PyTorch 2.0, else <c>sdpa</c>), and its parameter counts (all; adapters + head).
/// </summary>
public sealed record PyTorchAnchorInfo(string Torch, string Blas, string Dtype, int Threads, string Attention, long Params, long Trainable);
