using LLM4EHR.Models;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// The production QLoRA combination at once: NF4 with double quantization, LoRA (r 8, alpha 32, q/v, dropout) and
/// gradient checkpointing, trained for a few AdamW steps next to an f32 run whose frozen projections hold the
/// dequantized NF4 weights. Same seeds and dropout draws, so every step's adapter and head gradients must agree.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public class QloraCombinationTests
{
    private static readonly LlamaConfig Config =
        new TinyLlamaOptions { Hidden = 64, Layers = 2, Heads = 4, KvHeads = 2, VocabSize = 97 }.ToConfig();

    private static readonly LoraSettings Lora = new() { R = 8, Alpha = 32, Dropout = 0.1, Targets = ["q_proj", "v_proj"], Seed = 5 };

    // Only float rounding may differ (grad_y · W in Nf4MatMul vs linear's own backward): bit-identical with the CPU
    // libtorch 2.10 here; the tolerance leaves room for another BLAS. The f32 original weights miss it by ~10%.
    private const double RelativeTolerance = 1e-5;

    [Fact]
    public void Nf4_double_quant_lora_and_checkpointing_get_the_gradients_of_f32_on_the_dequantized_weights()
    {
        using var scope = NewDisposeScope();
        var nf4 = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = true });
        var quantizedModel = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 9, (name, w, b) => nf4(name, w, b));
        quantizedModel.GradientCheckpointing = true;
        // The same random weights, each projection a plain frozen Linear holding the NF4 layer's dequantized W.
        var referenceModel = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 9,
            (name, _, _) => Dequantized((Nf4Linear)quantizedModel.GetLinear(name)));
        using var quantized = Classifier(quantizedModel);
        using var reference = Classifier(referenceModel);

        Assert.All(quantizedModel.LinearNames, name =>
        {
            var layer = quantizedModel.GetLinear(name);
            var baseLayer = layer is LoraLinear lora ? lora.BaseLayer : layer;
            Assert.True(baseLayer is Nf4Linear { DoubleQuantized: true }, $"{name} is {baseLayer.GetType().Name}");
        });
        Assert.Equal(2 * Config.NumHiddenLayers, quantized.Adapters!.Adapters.Count); // q_proj and v_proj of each layer

        using var batch = Batch();
        using var quantizedOptimizer = optim.AdamW(quantized.TrainableParameters().Select(p => p.Parameter), lr: 1e-2);
        using var referenceOptimizer = optim.AdamW(reference.TrainableParameters().Select(p => p.Parameter), lr: 1e-2);
        for (int step = 0; step < 3; step++)
        {
            var ours = Step(quantized, quantizedOptimizer, batch, seed: 100 + step);
            var expected = Step(reference, referenceOptimizer, batch, seed: 100 + step);
            Assert.Equal(expected.Keys, ours.Keys);
            foreach (var (name, g) in expected)
            {
                double scale = g.abs().max().item<float>();
                double diff = TensorAssert.MaxDiff(g, ours[name]);
                Assert.True(diff <= RelativeTolerance * scale + 1e-9, $"step {step}, {name}: max |diff| {diff:g3}, max |grad| {scale:g3}");
                // lora_A's first gradient is exactly zero (B starts at zero); from the second step on all are live.
                if (step > 0)
                    Assert.True(scale > 0, $"step {step}, {name}: zero gradient");
            }
        }
    }

    private static PooledClassifier Classifier(LlamaModel model) =>
        new(model, new PooledClassifierHead(Config.HiddenSize, labelCount: 3, seed: 1), Lora);

    private static Linear Dequantized(Nf4Linear q)
    {
        var linear = nn.Linear(q.InFeatures, q.OutFeatures, hasBias: false);
        linear.weight = new Parameter(q.DequantizedWeight(), requires_grad: false);
        return linear;
    }

    private static StayBatch Batch()
    {
        using var g = new Generator(21, CPU);
        var ids = randint(1, Config.VocabSize, [2, 10], generator: g);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 10]);
        var labels = tensor(new float[] { 1, 0, 1, 0, 1, 1 }, [2, 3]);
        return new StayBatch(ids * mask, mask, TokenCollator.PositionIdsFromMask(mask), labels, ["a", "b"]);
    }

    /// <summary>One training step (dropout on, seeded); returns each trainable tensor's gradient before the update.</summary>
    private static Dictionary<string, Tensor> Step(PooledClassifier classifier, optim.Optimizer optimizer, StayBatch batch, long seed)
    {
        optimizer.zero_grad();
        classifier.SetTrainingMode(true);
        manual_seed(seed); // the LoRA dropout masks: the same draws in both runs
        var loss = ClassificationLoss.BceWithLogits(classifier.Logits(batch), batch.Labels);
        loss.backward();
        var grads = classifier.TrainableParameters().ToDictionary(p => p.Name, p => p.Parameter.grad!.clone());
        optimizer.step();
        return grads;
    }
}
