using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using LLM4EHR.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr bench nf4</c>: bits per weight with and without double quantization (<c>bits_per_param</c>,
/// <c>bits_per_param_no_dq</c>; <c>bits_per_param_single_quant</c> is the older name of the latter), NF4/f32 forward
/// time of one linear stack, and peak RSS of loading a wide F32 checkpoint quantized tensor by tensor vs kept in
/// f32. Peak RSS (VmHWM) only ever grows, so each load runs in a fresh child process of this same CLI (<c>--child f32|quantized</c>), which prints
/// its own VmHWM; the parent never loads the checkpoint itself.
/// </summary>
[CliCommand("nf4", "NF4 linears: bits/param, NF4 vs f32 forward time, peak RSS of a quantized vs f32 load.", Branch = "bench")]
internal sealed class BenchNf4Command : Command<BenchNf4Command.Settings>
{
    private const string ChildPrefix = "nf4-child:";

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--layers <N>")]
        [Description("Wide linears in the RSS checkpoint.")]
        [DefaultValue(8)]
        public int Layers { get; init; } = 8;

        [CommandOption("--width <N>")]
        [Description("Each RSS-checkpoint linear is width x width F32.")]
        [DefaultValue(4096)]
        public int Width { get; init; } = 4096;

        [CommandOption("--fwd-layers <N>")]
        [DefaultValue(4)]
        public int ForwardLayers { get; init; } = 4;

        [CommandOption("--fwd-dim <N>")]
        [DefaultValue(2048)]
        public int ForwardDim { get; init; } = 2048;

        [CommandOption("--tokens <N>")]
        [DefaultValue(256)]
        public int Tokens { get; init; } = 256;

        [CommandOption("--runs <N>")]
        [Description("Timed forward runs (after one warm-up); the median is reported.")]
        [DefaultValue(5)]
        public int Runs { get; init; } = 5;

        [CommandOption("--child <VARIANT>", IsHidden = true)]
        public string? Child { get; init; }

        [CommandOption("--file <PATH>", IsHidden = true)]
        public string? File { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Child is not null)
            return RunChild(settings);
        if (settings.Layers < 1 || settings.Width < 64 || settings.ForwardLayers < 1 || settings.ForwardDim < 64 || settings.Tokens < 1 || settings.Runs < 1)
            throw new BadInputException("bench nf4: --layers/--fwd-layers/--tokens/--runs must be >= 1, --width/--fwd-dim >= 64");

        var fwd = Nf4Bench.Forward(settings.ForwardLayers, settings.ForwardDim, settings.Tokens, settings.Runs, seed: 0);
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]forward {settings.ForwardLayers} x {settings.ForwardDim}^2 linears, {settings.Tokens} tokens: f32 {fwd.F32.MedianMs:F1} ms, nf4 {fwd.Nf4.MedianMs:F1} ms; {fwd.BitsPerParam:F4} bits/param with double quant, {fwd.BitsPerParamNoDoubleQuant:F4} without[/]");

        var dir = Directory.CreateTempSubdirectory("llm4ehr-nf4-").FullName;
        try
        {
            string file = Path.Combine(dir, "wide.safetensors");
            Nf4Bench.WriteWideCheckpoint(file, settings.Layers, settings.Width, settings.Width, seed: 1);
            double fileMb = new FileInfo(file).Length / 1048576.0;
            var f32 = RunChildProcess("f32", file);
            var q = RunChildProcess("quantized", file);
            AnsiConsole.MarkupLineInterpolated(
                $"[grey]load {settings.Layers} x {settings.Width}^2 F32 ({fileMb:F0} MiB), fresh process each: baseline {q["baseline_mb"]:F0} MiB, peak f32 {f32["peak_mb"]:F0} MiB, peak quantized {q["peak_mb"]:F0} MiB[/]");
            var summary = new BenchSummary("nf4")
                .Add("bits_per_param", fwd.BitsPerParam, 4)
                .Add("bits_per_param_no_dq", fwd.BitsPerParamNoDoubleQuant, 4)
                .Add("bits_per_param_single_quant", fwd.BitsPerParamNoDoubleQuant, 4)
                .Add("f32_ms", fwd.F32.MedianMs, 2)
                .Add("nf4_ms", fwd.Nf4.MedianMs, 2)
                .Add("fwd_ratio", fwd.Nf4.MedianMs / fwd.F32.MedianMs, 3)
                .Add("rss_mb_quantized", q["peak_mb"], 1)
                .Add("rss_mb_f32", f32["peak_mb"], 1)
                .Add("rss_mb_baseline", q["baseline_mb"], 1)
                .Add("held_mb_quantized", q["held_mb"], 1)
                .Add("held_mb_f32", f32["held_mb"], 1)
                .Add("file_mb", fileMb, 1)
                .Add("quant_melem_s", q["quant_melem_s"], 1);
            Console.WriteLine(summary.ToString());
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int RunChild(Settings settings)
    {
        if (settings.Child is not ("f32" or "quantized") || settings.File is null)
            throw new BadInputException("bench nf4: --child must be f32 or quantized, with --file");
        var r = Nf4Bench.LoadAndMeasure(settings.File, quantize: settings.Child == "quantized");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ChildPrefix} baseline_mb={r.BaselineMb:F1} peak_mb={r.PeakMb:F1} held_mb={r.HeldMb:F1} quant_melem_s={r.QuantizeMelemPerS:F1}"));
        return 0;
    }

    /// <summary>Re-runs this CLI (apphost, or <c>dotnet LLM4EHR.Cli.dll</c>) as a child and parses its one result line.</summary>
    private static Dictionary<string, double> RunChildProcess(string variant, string file)
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("bench nf4: cannot locate this executable");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in new[] { "bench", "nf4", "--child", variant, "--file", file })
            psi.ArgumentList.Add(a);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("bench nf4: child process did not start");
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(ChildPrefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"bench nf4: child '{variant}' failed (exit {child.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
        return line[ChildPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('='))
            .ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
    }
}
