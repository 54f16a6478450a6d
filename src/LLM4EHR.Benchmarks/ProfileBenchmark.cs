using System.Diagnostics;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench profile</c>: where one training step of the bench model goes. TorchSharp 0.107 binds no profiler
/// (libtorch's lives behind C++ symbols only), so the split is made by timing: the step itself in place, cut at the
/// loss and after backward (forward / backward / optimizer); then each component alone, at the step's shapes and
/// dtype, with the model's own modules (layer 0's), forward and then backward of a leaf input, timed in rounds (each
/// component once a round) and the median taken;
/// each item's time × how often the step runs it. <see cref="ProfileResult.Coverage"/> says how far the parts sum to
/// the whole (isolated parts run hot in cache and miss the glue between them, so expect some tens of percent off).
/// </summary>
public static class ProfileBenchmark
{
    public static ProfileResult Run(TrainStepOptions o, IProgress<string>? progress = null)
    {
        int callerThreads = get_num_threads();
        set_num_threads(o.Threads);
        try
        {
            using var step = new BenchStep(o);
            progress?.Report($"profiling the bench step: {o.Layers} layers, hidden {o.Hidden}, T {o.SequenceLength}, batch {o.BatchSize}, {o.Threads} threads, {o.Dtype}{(o.Nf4 ? ", NF4" : "")}");
            for (int i = 0; i < o.Warmups; i++)
                step.Run();
            var splits = Enumerable.Range(0, o.Runs).Select(_ => step.RunTimed()).ToList();
            var items = new ComponentTimer(step, o.Warmups, Math.Max(o.Runs, 3)).Items();
            double Med(Func<StepSplit, double> f) => BenchTimer.Median(splits.Select(f));
            items.Add(new ProfileItem("adamw + zero_grad", ProfileGroup.Optimizer, Med(s => s.OptimizerMs), 0, 1, 0));
            return new ProfileResult(o.Dtype, o.Nf4, Med(s => s.TotalMs), Med(s => s.ForwardMs), Med(s => s.BackwardMs),
                Med(s => s.OptimizerMs), items);
        }
        finally
        {
            set_num_threads(callerThreads);
        }
    }

    /// <summary>Times each component of a decoder layer (and the parts outside the layers) alone, at the step's shapes.</summary>
    private sealed class ComponentTimer(BenchStep step, int warmups, int runs)
    {
        private readonly List<Probe> _probes = [];

        private sealed record Probe(string Name, ProfileGroup Group, int FwdCount, int BwdCount, Tensor[] Inputs, Func<Tensor[], Tensor> F);

        public List<ProfileItem> Items()
        {
            var o = step.Options;
            var c = step.Config;
            var dtype = o.Dtype;
            int l = c.NumHiddenLayers;
            long b = o.BatchSize, t = o.SequenceLength, h = c.HiddenSize, a = c.NumAttentionHeads, g = c.NumKeyValueHeads, d = c.HeadDim;
            var layer = step.Model.Layers[0];
            var attn = layer.SelfAttention;
            using var scope = NewDisposeScope();
            using var rotary = new LlamaRotaryEmbedding(c, CPU);
            var x = randn(b, t, h).to_type(dtype);                  // [B, T, H]
            var inter = randn(b, t, c.IntermediateSize).to_type(dtype); // [B, T, I]
            var core = LlamaAttention.CoreDtype(dtype, CPU);        // RoPE and the attention core's dtype (f32 for a bf16 CPU model)
            var q = randn(b, a, t, d).to_type(core);                // [B, A, T, D]
            var k = randn(b, g, t, d).to_type(core);                // [B, G, T, D]
            var (cos, sin) = rotary.Compute(step.Positions, core);  // [B, 1, T, D]

            Add("embedding lookup", ProfileGroup.Embed, 1, 0, [], _ => step.Model.Embed(step.Ids));
            Add("rope tables", ProfileGroup.NormRope, 1, 0, [], _ => rotary.Compute(step.Positions, core).Cos);
            // Two norms a layer and the final one; layer 0's input norm reads the embeddings, which need no gradient.
            Add("rms norm", ProfileGroup.NormRope, 2 * l + 1, 2 * l, [x], v => layer.InputNorm.call(v[0]));
            // Layer 0's q/k/v read a hidden state that needs no gradient: no input-gradient matmul there.
            Linear("q_proj", ProfileGroup.Qkvo, LlamaProjections.Get(layer, "self_attn.q_proj"), x, l, l - 1);
            Linear("k_proj", ProfileGroup.Qkvo, LlamaProjections.Get(layer, "self_attn.k_proj"), x, l, l - 1);
            Linear("v_proj", ProfileGroup.Qkvo, LlamaProjections.Get(layer, "self_attn.v_proj"), x, l, l - 1);
            Linear("o_proj", ProfileGroup.Qkvo, LlamaProjections.Get(layer, "self_attn.o_proj"), x, l, l);
            Linear("gate_proj", ProfileGroup.Mlp, LlamaProjections.Get(layer, "mlp.gate_proj"), x, l, l);
            Linear("up_proj", ProfileGroup.Mlp, LlamaProjections.Get(layer, "mlp.up_proj"), x, l, l);
            Linear("down_proj", ProfileGroup.Mlp, LlamaProjections.Get(layer, "mlp.down_proj"), inter, l, l);
            Add("rope q", ProfileGroup.NormRope, l, l, [q], v => LlamaRotaryEmbedding.Apply(v[0], cos, sin));
            Add("rope k", ProfileGroup.NormRope, l, l - 1, [k], v => LlamaRotaryEmbedding.Apply(v[0], cos, sin));
            if (core != dtype) // q, k, v into the core dtype and the merged heads back (k and v are G/A of q's size)
                Add("attention casts", ProfileGroup.Attention, l, l, [x], v => v[0].to_type(core).to_type(dtype));
            Add("k/v head expand", ProfileGroup.Pointwise, 2 * l, 2 * l - 1, [k], v => attn.ExpandKeyValue(v[0]));
            Add("attention core", ProfileGroup.Attention, l, l, [q, q, q], v => attn.Core(v[0], v[1], v[2], null).to_type(dtype));
            Add("swiglu", ProfileGroup.Pointwise, l, l, [inter, inter], v => F.silu(v[0]) * v[1]);
            Add("residual add", ProfileGroup.Pointwise, 2 * l, 2 * l, [x, x], v => v[0] + v[1]);
            Add("pool + head + bce", ProfileGroup.HeadLoss, 1, 1, [x], v => step.HeadLoss(v[0]));
            return RunRounds();
        }

        // A frozen base linear (under its LoRA wrapper if any): the matmul as its own item, the adapter (LoRA) and the
        // NF4 dequantization (once in forward, once more in backward) as theirs.
        private void Linear(string name, ProfileGroup group, nn.Module<Tensor, Tensor> module, Tensor x, int fwd, int bwd)
        {
            var baseLayer = module is LoraLinear lora ? lora.BaseLayer : module;
            if (baseLayer is Nf4Linear nf4)
            {
                var w = nf4.DequantizedWeight(x.dtype);             // [out, in]
                Add(name, group, fwd, bwd, [x], v => F.linear(v[0], w));
                Add($"nf4 dequant {name}", ProfileGroup.Dequant, fwd + bwd, 0, [], _ => nf4.DequantizedWeight(x.dtype));
            }
            else
            {
                Add(name, group, fwd, bwd, [x], v => baseLayer.call(v[0]));
            }
            if (module is LoraLinear adapter)
            {
                var y = baseLayer.call(x).detach();                  // [B, T, out]
                Add($"lora {name}", ProfileGroup.Lora, fwd, fwd, [x], v => y + adapter.AdapterDelta(v[0], y.dtype));
            }
        }

        private void Add(string name, ProfileGroup group, int fwdCount, int bwdCount, Tensor[] inputs, Func<Tensor[], Tensor> f) =>
            _probes.Add(new Probe(name, group, fwdCount, bwdCount, inputs, f));

        /// <summary>
        /// Times every probe once per round, round after round (warm-ups first), and takes each one's medians: on a shared
        /// machine a load spike then lands on one round of many items, not on every run of one item.
        /// </summary>
        private List<ProfileItem> RunRounds()
        {
            var fwd = _probes.Select(_ => new double[runs]).ToArray();
            var bwd = _probes.Select(_ => new double[runs]).ToArray();
            for (int round = -warmups; round < runs; round++)
                for (int p = 0; p < _probes.Count; p++)
                {
                    var (f, b) = Time(_probes[p]);
                    if (round >= 0)
                        (fwd[p][round], bwd[p][round]) = (f, b);
                }
            return [.. _probes.Select((p, i) => new ProfileItem(p.Name, p.Group, BenchTimer.Median(fwd[i]), BenchTimer.Median(bwd[i]), p.FwdCount, p.BwdCount))];
        }

        /// <summary>Forward of the probe on leaf copies of its inputs (requiring grad when it has a backward), then its backward, ms.</summary>
        private static (double Forward, double Backward) Time(Probe probe)
        {
            using var scope = NewDisposeScope();
            var leaves = probe.Inputs.Select(x => x.detach().requires_grad_(probe.BwdCount > 0)).ToArray();
            long t0 = Stopwatch.GetTimestamp();
            var y = probe.F(leaves);
            double forwardMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (probe.BwdCount == 0 || !y.requires_grad)
                return (forwardMs, 0);
            var grad = ones_like(y);
            long t1 = Stopwatch.GetTimestamp();
            y.backward([grad]);
            return (forwardMs, Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
        }
    }
}

/// <summary>The parts a step is split into; each is one summary key (<see cref="ProfileResult.Key"/>).</summary>
public enum ProfileGroup { Attention, Qkvo, Mlp, NormRope, Lora, Dequant, Pointwise, Embed, HeadLoss, Optimizer }

/// <summary>One timed component: forward and backward ms of one call, and how many times a step calls each.</summary>
public sealed record ProfileItem(string Name, ProfileGroup Group, double ForwardMs, double BackwardMs, int ForwardCount, int BackwardCount)
{
    public double ForwardTotalMs => ForwardMs * ForwardCount;
    public double BackwardTotalMs => BackwardMs * BackwardCount;
    public double TotalMs => ForwardTotalMs + BackwardTotalMs;
}

/// <summary>What <see cref="ProfileBenchmark"/> measured: the step in place (median split) and its parts.</summary>
public sealed record ProfileResult(ScalarType Dtype, bool Nf4, double StepMs, double ForwardMs, double BackwardMs,
    double OptimizerMs, IReadOnlyList<ProfileItem> Items)
{
    /// <summary>The summary key of a group: <c>attention_ms</c>, <c>qkvo_ms</c>, <c>norm_rope_ms</c>, …</summary>
    public static string Key(ProfileGroup group) => group switch
    {
        ProfileGroup.NormRope => "norm_rope_ms",
        ProfileGroup.HeadLoss => "head_loss_ms",
        _ => group.ToString().ToLowerInvariant() + "_ms",
    };

    public double GroupMs(ProfileGroup group) => Items.Where(i => i.Group == group).Sum(i => i.TotalMs);
    /// <summary>Sum of all parts (the optimizer as measured in place).</summary>
    public double PartsMs => Items.Sum(i => i.TotalMs);
    /// <summary>Parts ÷ the measured step: 1 when the isolated parts add up to the whole.</summary>
    public double Coverage => PartsMs / StepMs;
    /// <summary>Items by total time, largest first.</summary>
    public IEnumerable<ProfileItem> Top => Items.OrderByDescending(i => i.TotalMs);

    public BenchSummary ToSummary()
    {
        var s = new BenchSummary("profile")
            .Add("dtype", BenchSummaryPeak.DtypeName(Dtype))
            .Add("nf4", Nf4 ? 1L : 0L)
            .Add("step_ms", StepMs, 2)
            .Add("forward_ms", ForwardMs, 2)
            .Add("backward_ms", BackwardMs, 2);
        foreach (var group in Enum.GetValues<ProfileGroup>())
            s.Add(Key(group), GroupMs(group), 2);
        return s
            .Add("parts_fwd_ms", Items.Where(i => i.Group != ProfileGroup.Optimizer).Sum(i => i.ForwardTotalMs), 2)
            .Add("parts_bwd_ms", Items.Sum(i => i.BackwardTotalMs), 2)
            .Add("parts_ms", PartsMs, 2)
            .Add("coverage", Coverage, 3);
    }
}
