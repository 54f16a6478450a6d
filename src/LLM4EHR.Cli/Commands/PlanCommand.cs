using System.ComponentModel;
using System.Globalization;
using LLM4EHR.Benchmarks;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Memory;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr plan</c>: the memory one training step of a config needs (<see cref="MemoryPlan"/>), whether it fits
/// each GPU size asked about, and which setting to change when not. <c>--measure</c> also runs one step of the
/// config's model on this CPU (f32) and prints what was measured beside what the plan says for the CPU.
/// </summary>
[CliCommand("plan", "Plan a config's training memory (weights, adapters, activations, peak) and check it against GPU sizes.")]
internal sealed class PlanCommand : Command<PlanCommand.Settings>
{
    private const double GiB = 1L << 30, MiB = 1L << 20;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--config <FILE>")]
        [Description("Experiment YAML (config/ihm.yaml, ...).")]
        public string Config { get; init; } = "";

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override a config key, e.g. --set training.batch_size=2 (repeatable).")]
        public string[] Set { get; init; } = [];

        [CommandOption("--preset <NAME>")]
        [Description("Plan this model shape (llama3-8b, llama3.1-8b) instead of reading model.path/config.json.")]
        public string? Preset { get; init; }

        [CommandOption("--gpu-mem <GIB>")]
        [Description("GPU memory in GiB to check against (repeatable; default 24, 40 and 80).")]
        public int[] GpuMemory { get; init; } = [];

        [CommandOption("--device <DEVICE>")]
        [Description("cuda (bf16 compute, the default) or cpu (f32 compute, no GPU verdicts).")]
        [DefaultValue("cuda")]
        public string Device { get; init; } = "cuda";

        [CommandOption("--measure")]
        [Description("Also run one training step of the config's shape on this CPU and print measured beside planned.")]
        public bool Measure { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Config) ? ValidationResult.Error("--config FILE is required")
            : Device is not ("cuda" or "cpu") ? ValidationResult.Error("--device: expected cuda or cpu")
            : GpuMemory.Any(g => g <= 0) ? ValidationResult.Error("--gpu-mem: expected a positive number of GiB")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var config = ExperimentConfigLoader.Load(s.Config, s.Set);
        var (shape, source) = ExperimentMemoryPlan.ModelShape(config, s.Preset);
        bool cuda = s.Device == "cuda" && !s.Measure;
        var request = ExperimentMemoryPlan.Request(config, shape, cuda);
        var plan = MemoryPlan.For(request);

        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{Path.GetFileName(s.Config)}[/]: {shape.NumHiddenLayers} layers, hidden {shape.HiddenSize}, vocab {shape.VocabSize} ({source}); batch {request.BatchSize} × {request.SequenceLength} tokens (all real), grad_accum {request.GradAccum}; LoRA {(request.LoraRank is { } r ? $"r {r} on {string.Join('/', request.LoraTargets)}" : "off")}; checkpointing {(request.GradientCheckpointing ? "on" : "off")}; {(cuda ? "CUDA" : "CPU")} {(request.ComputeBytes == 2 ? "bf16" : "f32")}");
        WriteAlternatives(request);
        var table = new Table().AddColumn("memory").AddColumn(new TableColumn("GiB").RightAligned()).AddColumn("counted as");
        foreach (var item in plan.Items)
            table.AddRow(Markup.Escape(item.Name), Gib(item.Bytes), Markup.Escape(item.Note));
        table.AddRow("[bold]peak[/]", $"[bold]{Gib(plan.PeakBytes)}[/]", "");
        AnsiConsole.Write(table);

        if (cuda)
            foreach (int gib in s.GpuMemory.Length > 0 ? s.GpuMemory : [24, 40, 80])
                WriteVerdict(request, gib);
        if (s.Measure)
            WriteMeasurement(request, plan);
        return 0;
    }

    // The base in every storage format and the activations with and without checkpointing: the two big levers.
    private static void WriteAlternatives(MemoryPlanRequest r)
    {
        string Mark(bool chosen) => chosen ? " (configured)" : "";
        var formats = new[] { (WeightFormat.Nf4DoubleQuant, "NF4 + double quant"), (WeightFormat.Nf4, "NF4"), (WeightFormat.Full, r.ComputeBytes == 2 ? "bf16" : "f32") };
        AnsiConsole.MarkupLineInterpolated($"[grey]base projections: {string.Join(", ", formats.Select(f => $"{f.Item2} {Gib(MemoryPlan.For(r with { Weights = f.Item1 }).WeightBytes)} GiB{Mark(r.Weights == f.Item1)}"))} (with embeddings + norms)[/]");
        if (r.Weights == WeightFormat.Full && r.ComputeBytes == 2)
            AnsiConsole.MarkupLineInterpolated($"[grey]  f32 would be {Gib(MemoryPlan.For(r with { Compute = TorchSharp.torch.ScalarType.Float32 }).WeightBytes)} GiB[/]");
        foreach (bool ckpt in new[] { true, false })
        {
            var p = MemoryPlan.For(r with { GradientCheckpointing = ckpt });
            AnsiConsole.MarkupLineInterpolated($"[grey]activations {(ckpt ? "with" : "without")} checkpointing: {Gib(ActivationMemory.Peak(p.Request))} GiB at peak ({Gib(ActivationMemory.Saved(p.Request))} GiB kept by the forward); step peak {Gib(p.PeakBytes)} GiB{Mark(r.GradientCheckpointing == ckpt)}[/]");
        }
    }

    private static void WriteVerdict(MemoryPlanRequest r, int gib)
    {
        var advice = MemoryAdvice.For(r, (long)gib << 30);
        string peak = Gib(MemoryPlan.For(r).PeakBytes);
        if (advice.Fits)
            AnsiConsole.MarkupLineInterpolated($"[green]{gib} GB GPU: fits[/] (peak {peak} GiB){(advice.Message.Length == 0 ? "" : "; " + advice.Message)}");
        else
            AnsiConsole.MarkupLineInterpolated($"[red]{gib} GB GPU: does not fit[/] (peak {peak} GiB): {advice.Message}{(advice.Setting is null ? "" : $" → {Gib(advice.Plan.PeakBytes)} GiB")}");
    }

    // One real step on this CPU (f32) beside the CPU plan, then one parseable line.
    private static void WriteMeasurement(MemoryPlanRequest r, MemoryPlan plan)
    {
        AnsiConsole.MarkupLine("[grey]measuring one step of this shape on the CPU (f32, random weights)...[/]");
        var m = StepMemoryProbe.Measure(r);
        long trainable = MemoryPlan.TrainableParameters(r) * 4;
        var rows = new (string Name, double Planned, double Measured)[]
        {
            ("frozen weights (tensor bytes)", plan.WeightBytes / MiB, m.Tensors.Frozen / MiB),
            ("LoRA + head weights (tensor bytes)", trainable / MiB, m.Tensors.Trainable / MiB),
            ("kept by the forward (RSS)", plan.SavedBytes / MiB, m.SavedMb),
            ("step peak over the held model (RSS)", plan.StepBytes / MiB, m.PeakMb),
        };
        var table = new Table().AddColumn("quantity").AddColumn(new TableColumn("planned MiB").RightAligned())
            .AddColumn(new TableColumn("measured MiB").RightAligned()).AddColumn(new TableColumn("measured/planned").RightAligned());
        foreach (var (name, planned, measured) in rows)
            table.AddRow(name, F(planned, 1), F(measured, 1), F(measured / planned, 3));
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"plan measured: weights_mb={m.Tensors.Frozen / MiB:F3} plan_weights_mb={plan.WeightBytes / MiB:F3} trainable_mb={m.Tensors.Trainable / MiB:F3} plan_trainable_mb={trainable / MiB:F3} saved_mb={m.SavedMb:F1} plan_saved_mb={plan.SavedBytes / MiB:F1} peak_mb={m.PeakMb:F1} plan_peak_mb={plan.StepBytes / MiB:F1} peak={(m.ExactPeak ? "hwm" : "sampled")} step_s={m.StepSeconds:F1}"));
    }

    private static string Gib(long bytes) => F(bytes / GiB, 2);
    private static string F(double v, int decimals) => v.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
