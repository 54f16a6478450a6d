using System.Diagnostics;
using F = TorchSharp.torch.nn.functional;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Benchmarks;

/// <summary>
/// The bench model and its training step, shared by <c>bench train-step</c> and <c>bench profile</c>
/// (src/LLM4EHR.Benchmarks/README.md): a random Llama in the step's dtype (optionally NF4), frozen, LoRA r 8 /
/// alpha 32 on q_proj and v_proj, masked-mean pooled f32 linear head, BCE, one AdamW step.
/// </summary>
public sealed class BenchStep : IDisposable
{
    private readonly Tensor _ids, _mask, _positions, _labels, _maskF;

    public BenchStep(TrainStepOptions o)
    {
        Options = o;
        Config = new TinyLlamaOptions
        {
            Hidden = o.Hidden, Layers = o.Layers, Heads = o.Heads, KvHeads = o.KvHeads,
            Intermediate = o.Intermediate, VocabSize = o.Vocab,
        }.ToConfig();
        Model = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu with { Dtype = o.Dtype }, o.Seed);
        if (o.Nf4)
            Nf4LinearFactory.QuantizeInPlace(Model, new Nf4Options { DoubleQuant = true });
        Model.GradientCheckpointing = o.GradientCheckpointing;
        Model.train();
        Adapters = TrainStepBenchmark.AttachAdapters(Model, o.Seed);
        Head = nn.Linear(Config.HiddenSize, 1);
        Optimizer = optim.AdamW(Adapters.Select(a => a.Parameter).Concat(Head.parameters()), lr: 1e-4);

        using var data = NewDisposeScope(); // temporaries die here; the step's tensors are detached and owned by this object
        _ids = randint(0, Config.VocabSize, [o.BatchSize, o.SequenceLength]);
        _mask = ones(o.BatchSize, o.SequenceLength, dtype: ScalarType.Int64); // all tokens real
        _positions = TokenCollator.PositionIdsFromMask(_mask);
        _labels = randint(0, 2, [o.BatchSize, 1]).to_type(ScalarType.Float32);
        _maskF = _mask.to_type(ScalarType.Float32).unsqueeze(-1);               // [B, T, 1]
        foreach (var t in new[] { _ids, _mask, _positions, _labels, _maskF })
            t.DetachFromDisposeScope();
    }

    public TrainStepOptions Options { get; }
    public LlamaConfig Config { get; }
    public LlamaModel Model { get; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Adapters { get; }
    public Linear Head { get; }
    public optim.Optimizer Optimizer { get; }
    public Tensor Mask => _mask;
    public Tensor Positions => _positions;
    public long Tokens => (long)Options.BatchSize * Options.SequenceLength;

    /// <summary>One training step.</summary>
    public void Run() => RunTimed();

    /// <summary>One training step, its wall time split in place into forward (to the loss), backward and optimizer (zero_grad + step).</summary>
    public StepSplit RunTimed()
    {
        using var scope = NewDisposeScope();
        long t0 = Stopwatch.GetTimestamp();
        Optimizer.zero_grad();
        long t1 = Stopwatch.GetTimestamp();
        // The frozen embedding needs no gradient; LoRA in every layer makes backward run through all of them.
        var hidden = Model.ForwardEmbeddings(Model.Embed(_ids), _mask, _positions); // [B, T, H] in the step's dtype
        var loss = HeadLoss(hidden);
        long t2 = Stopwatch.GetTimestamp();
        loss.backward();
        long t3 = Stopwatch.GetTimestamp();
        Optimizer.step();
        long t4 = Stopwatch.GetTimestamp();
        return new StepSplit(Ms(t1, t2), Ms(t2, t3), Ms(t0, t1) + Ms(t3, t4));
    }

    /// <summary>Masked-mean pooling in f32 (as the classifier pools), head, BCE: hidden [B, T, H] → loss [].</summary>
    public Tensor HeadLoss(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var pooled = (hidden.to_type(ScalarType.Float32) * _maskF).sum(1) / _maskF.sum(1); // [B, H] f32
        return F.binary_cross_entropy_with_logits(Head.call(pooled), _labels).MoveToOuterDisposeScope();
    }

    /// <summary>Token ids [B, T] of the step.</summary>
    public Tensor Ids => _ids;

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    public void Dispose()
    {
        Optimizer.Dispose();
        Head.Dispose();
        Model.Dispose();
        foreach (var t in new[] { _ids, _mask, _positions, _labels, _maskF })
            t.Dispose();
    }
}

/// <summary>A step's wall time split in place: forward to the loss, backward, optimizer (zero_grad + AdamW step), ms.</summary>
public readonly record struct StepSplit(double ForwardMs, double BackwardMs, double OptimizerMs)
{
    public double TotalMs => ForwardMs + BackwardMs + OptimizerMs;
}
