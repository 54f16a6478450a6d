using System.Diagnostics;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Memory;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Models;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// Measures on this CPU the quantities a <see cref="MemoryPlan"/> predicts for one training step: the model is built
/// as the request describes (random weights, NF4 when asked, adapters, head), one small step warms everything up
/// (kernels, thread pools, AdamW state), then one step at the request's shape with all tokens real is measured by RSS.
/// Large blocks are made to go back to the kernel on free (<see cref="GlibcMalloc.ReleaseLargeBlocksOnFree"/>), so RSS
/// tracks live tensors: this changes the process's allocator for good, so run it in a process of its own.
/// </summary>
public static class StepMemoryProbe
{
    public static StepMemoryMeasurement Measure(MemoryPlanRequest r, long seed = 1)
    {
        if (r.Cuda || r.ComputeBytes != 4)
            throw new ArgumentException("memory probe: measures CPU float32 runs only", nameof(r));
        GlibcMalloc.ReleaseLargeBlocksOnFree();
        LinearFactory? nf4 = null;
        if (r.Weights != WeightFormat.Full)
        {
            var quantize = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = r.Weights == WeightFormat.Nf4DoubleQuant });
            nf4 = (name, weight, bias) => quantize(name, weight, bias);
        }
        var llama = LlamaRandomWeights.Create(r.Model, ComputeDevice.Cpu, seed, nf4);
        llama.GradientCheckpointing = r.GradientCheckpointing;
        var lora = r.LoraRank is { } rank
            ? new Models.Lora.LoraSettings { R = rank, Alpha = 2 * rank, Targets = r.LoraTargets, Dropout = r.LoraDropout, Seed = seed }
            : null;
        using var model = new PooledClassifier(llama,
            new PooledClassifierHead(r.Model.HiddenSize, r.Labels, seed), lora);
        using var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Parameter), lr: 1e-4);
        model.SetTrainingMode(true);
        var tensors = ModelTensorBytes.Of(model.Backbone.Module);
        tensors = tensors with { Trainable = tensors.Trainable + ModelTensorBytes.Of(model.Head).Trainable };

        using (var warmup = RandomTokenBatch.Create(r.Model.VocabSize, Math.Min(r.BatchSize, 2), Math.Min(r.SequenceLength, 64), r.Labels, seed))
            Step(model, optimizer, warmup, _ => { });
        using var batch = RandomTokenBatch.Create(r.Model.VocabSize, r.BatchSize, r.SequenceLength, r.Labels, seed);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GlibcMalloc.Trim();
        using var meter = PeakRssMeter.Start();
        double saved = double.NaN;
        long start = Stopwatch.GetTimestamp();
        Step(model, optimizer, batch, _ => saved = (ProcessMemory.CurrentRssMb() ?? double.NaN) - meter.StartMb);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new StepMemoryMeasurement(tensors, saved, meter.PeakMb() - meter.StartMb, meter.Exact, seconds);
    }

    /// <summary>One QLoRA step: BCE on the pooled head's logits, backward, one optimizer step; <paramref name="afterForward"/> sees the loss.</summary>
    internal static void Step(PooledClassifier model, optim.Optimizer optimizer, StayBatch batch, Action<Tensor> afterForward)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = ClassificationLoss.BceWithLogits(model.Logits(batch), batch.Labels);
        afterForward(loss);
        loss.backward();
        optimizer.step();
    }
}

/// <summary>
/// What <see cref="StepMemoryProbe"/> measured: the exact bytes the built model holds (backbone and head), and the RSS
/// (MiB) one training step added — once the forward had run (what autograd keeps for backward) and at its peak.
/// </summary>
public sealed record StepMemoryMeasurement(ModelTensorBytes Tensors, double SavedMb, double PeakMb, bool ExactPeak, double StepSeconds);
