using System.Text.RegularExpressions;
using LLM4EHR.Benchmarks;
using LLM4EHR.Runtime;
using LLM4EHR.Tests.Support;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// <c>bench train-step --anchor pytorch</c> without PyTorch (CI has none): the child's command line and environment,
/// the protocol lines it prints, the summary keys, and the program itself as Python source.
/// </summary>
public class PyTorchAnchorTests
{
    private static readonly TrainStepOptions Small = new()
    {
        Hidden = 32, Layers = 1, Heads = 4, KvHeads = 2, Intermediate = 64, Vocab = 100, SequenceLength = 16,
        BatchSize = 3, Threads = 1, Seed = 7, Dtype = ScalarType.BFloat16, PyTorchAnchor = true,
    };

    [Fact]
    public void The_child_environment_drops_the_OpenBLAS_overrides_and_holds_our_thread_count()
    {
        var env = new Dictionary<string, string?>
        {
            ["OPENBLAS_CORETYPE"] = "Haswell", ["OPENBLAS_L2_SIZE"] = "512", ["OMP_WAIT_POLICY"] = "PASSIVE",
            ["LD_LIBRARY_PATH"] = "/opt/lib", ["OMP_NUM_THREADS"] = "16", ["HOME"] = "/root",
        };
        PyTorchAnchor.PrepareEnvironment(env, threads: 2, openBlasDir: "/usr/lib/x86_64-linux-gnu/openblas-openmp");

        Assert.False(env.ContainsKey("OPENBLAS_CORETYPE"));
        Assert.False(env.ContainsKey("OPENBLAS_L2_SIZE"));
        Assert.Equal("2", env["OMP_NUM_THREADS"]);
        Assert.Equal("2", env["OPENBLAS_NUM_THREADS"]);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/openblas-openmp:/opt/lib", env["LD_LIBRARY_PATH"]); // OpenBLAS found first
        Assert.Equal("PASSIVE", env["OMP_WAIT_POLICY"]);                                            // the same policy as ours
        Assert.Equal("/root", env["HOME"]);

        var bare = new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = "Haswell" };
        PyTorchAnchor.PrepareEnvironment(bare, threads: 1, openBlasDir: null);
        Assert.False(bare.ContainsKey("LD_LIBRARY_PATH"));
        Assert.False(bare.ContainsKey("OPENBLAS_CORETYPE"));
    }

    [Fact]
    public void The_child_runs_the_embedded_program_in_serve_mode_for_our_bench_model()
    {
        var psi = PyTorchAnchor.StartInfo(Small, openBlasDir: null);

        Assert.Equal("/usr/bin/python3", psi.FileName);
        Assert.Equal(["-c", PyTorchAnchor.Script], psi.ArgumentList.Take(2));
        Assert.Equal(
            ["--hidden", "32", "--layers", "1", "--heads", "4", "--kv-heads", "2", "--intermediate", "64", "--vocab", "100",
             "--seq", "16", "--batch", "3", "--threads", "1", "--seed", "7", "--dtype", "bf16", "--serve"],
            psi.ArgumentList.Skip(2));
        Assert.DoesNotContain("OPENBLAS_CORETYPE", psi.Environment.Keys);
        Assert.True(psi.RedirectStandardInput && psi.RedirectStandardOutput);
    }

    [SkippableFact]
    public void The_embedded_program_is_valid_Python_and_declares_every_option_we_pass()
    {
        Assert.StartsWith("\"\"\"PyTorch anchor for `llm4ehr bench train-step`", PyTorchAnchor.Script);
        // The option table of parse_args: ("name", default) pairs, plus --dtype and --serve.
        var declared = Regex.Matches(PyTorchAnchor.Script, @"\(""([a-z-]+)"", \d+\)").Select(m => "--" + m.Groups[1].Value)
            .Concat(Regex.Matches(PyTorchAnchor.Script, @"add_argument\(""(--[a-z-]+)""").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.All(PyTorchAnchor.Arguments(Small).Where(a => a.StartsWith("--")), flag => Assert.Contains(flag, declared));

        Python.Require("ast");
        var (code, _, err) = Python.Run("import ast, sys; ast.parse(sys.argv[1], 'train_step_pytorch.py')", PyTorchAnchor.Script);
        Assert.True(code == 0, err);
    }

    [Fact]
    public void The_ready_line_and_step_lines_parse_and_malformed_ones_throw()
    {
        // A line as the program printed it on the build box.
        var info = PyTorchAnchor.ParseReady(
            "ready torch=1.13.0a0 blas=openblas-0.3.21-Cooperlake dtype=f32 threads=2 attention=explicit-softmax params=11039233 trainable=26881");
        Assert.Equal(new PyTorchAnchorInfo("1.13.0a0", "openblas-0.3.21-Cooperlake", "f32", 2, "explicit-softmax", 11039233, 26881), info);

        Assert.Equal(312.4567, PyTorchAnchor.ParseStepMs("ms=312.4567"));
        Assert.Throws<InvalidOperationException>(() => PyTorchAnchor.ParseReady("Traceback (most recent call last):"));
        Assert.Throws<InvalidOperationException>(() => PyTorchAnchor.ParseReady("ready torch=1.13 blas=openblas dtype=f32 threads=2"));
        Assert.Throws<InvalidOperationException>(() => PyTorchAnchor.ParseStepMs("step 312"));
        Assert.Throws<InvalidOperationException>(() => PyTorchAnchor.ParseStepMs("ms=-1"));
    }

    [Fact]
    public void The_summary_gives_our_median_over_pytorchs_and_names_both_sides_kernels()
    {
        var info = new PyTorchAnchorInfo("1.13.0a0", "openblas-0.3.21-Cooperlake", "f32", 2, "explicit-softmax", 1, 1);
        var result = new TrainStepResult(new TimingStats(150, 140, 170, 8), 1024, 2e9, 200, ScalarType.Float32,
            CpuPeak.For(ScalarType.Float32, 2))
        {
            PyTorch = (info, new TimingStats(400, 350, 500, 8)),
            MklPath = "optimized",
        };

        Assert.Equal(0.375, result.PyTorchRatio!.Value, 9);
        string line = result.ToSummary().ToString();
        foreach (var kv in new[]
                 {
                     " mkl_path=optimized", " pytorch_step_ms=400 ", " pytorch_min_ms=350 ", " pytorch_tok_s=2560 ",
                     " pytorch_ratio=0.375 ", " pytorch_ratio_min=0.4 ", " pytorch_version=1.13.0a0 ", " pytorch_dtype=f32 ",
                     " pytorch_blas=openblas-0.3.21-Cooperlake ", " pytorch_attention=explicit-softmax",
                 })
            Assert.Contains(kv, line + " ");
        Assert.DoesNotContain("pytorch_", new TrainStepResult(result.Step, 1024, 2e9, 200, ScalarType.Float32, result.Peak).ToSummary().ToString());
    }

    [Fact]
    public void Without_the_interpreter_the_anchor_is_skipped_with_a_reason()
    {
        var messages = new List<string>();
        var anchor = PyTorchAnchor.Start(Small, new InlineProgress<string>(messages.Add), pythonExe: "/nonexistent/python3");
        Assert.Null(anchor);
        Assert.Equal(["PyTorch anchor skipped: no /nonexistent/python3"], messages);
    }

    [Fact]
    public void The_anchor_does_not_combine_with_nf4_or_a_baseline()
    {
        var e = Assert.Throws<BadInputException>(() => TrainStepBenchmark.Run(Small with { Nf4 = true }));
        Assert.Contains("--anchor pytorch", e.Message);
        Assert.Throws<BadInputException>(() => TrainStepBenchmark.Run(Small with { Baseline = ScalarType.Float32 }));
    }

    [Fact]
    public void Self_timed_actions_alternate_and_their_own_times_make_the_stats()
    {
        var calls = new List<string>();
        double[] aTimes = [9, 1, 3, 2], bTimes = [8, 10, 30, 20];
        int ai = 0, bi = 0;
        var (a, b) = BenchTimer.MeasureInterleaved(
            () => { calls.Add("a"); return aTimes[ai++]; }, () => { calls.Add("b"); return bTimes[bi++]; }, warmups: 1, runs: 3);

        Assert.Equal(["a", "b", "a", "b", "a", "b", "a", "b"], calls);
        Assert.Equal(new TimingStats(2, 1, 3, 3), a);   // the warm-up's 9 is not counted
        Assert.Equal(new TimingStats(20, 10, 30, 3), b);
    }
}
