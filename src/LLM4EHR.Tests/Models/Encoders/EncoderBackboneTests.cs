using LLM4EHR.Models;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Lora;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>The encoders as IBackbone under the PooledClassifier: LoRA on their projections, checkpointing, training.</summary>
[Collection(GlobalRngCollection.Name)]
public class EncoderBackboneTests
{
    public static IEnumerable<object[]> Families() => Enum.GetValues<EncoderFamily>().Select(f => new object[] { f });

    private static EncoderConfig Tiny(EncoderFamily family) => new TinyEncoderOptions
    {
        Family = family, Hidden = 32, Layers = 2, Heads = 4, Intermediate = 48, VocabSize = 40, MaxTokens = 64, AttentionWindow = 4, BlockSize = 4,
    }.ToConfig();

    private static StayBatch Batch()
    {
        var ids = randint(3, 40, [3, 24], generator: new Generator(11));
        var mask = ones(3, 24, ScalarType.Int64);
        mask[2, TensorIndex.Slice(15)] = tensor(0L);
        var labels = tensor(new float[] { 1, 0, 1 }, [3, 1]);
        return new StayBatch(ids, mask, zeros_like(ids), labels, ["a", "b", "c"]);
    }

    private static PooledClassifier Classifier(EncoderFamily family, bool checkpoint, Pooling pooling = Pooling.Mean)
    {
        var backbone = EncoderRandomWeights.Create(Tiny(family), seed: 3);
        backbone.GradientCheckpointing = checkpoint;
        return new PooledClassifier(backbone, new PooledClassifierHead(32, 1, seed: 5, pooling),
            new LoraSettings { Targets = ["query", "value"], R = 4, Alpha = 8, Dropout = 0.1 });
    }

    private static Dictionary<string, Tensor> Gradients(EncoderFamily family, bool checkpoint)
    {
        using var batch = Batch();
        using var classifier = Classifier(family, checkpoint);
        classifier.SetTrainingMode(true); // hidden, attention and LoRA dropout all draw: the recompute must replay them
        var trainable = classifier.TrainableParameters();
        manual_seed(8);
        using (no_grad())
            foreach (var (name, p) in trainable.Where(t => t.Name.EndsWith("lora_B.weight")))
                p.normal_(0, 0.1); // B starts at zero; make A's gradient non-zero too
        manual_seed(9);
        using var loss = ClassificationLoss.BceWithLogits(classifier.Logits(batch), batch.Labels);
        loss.backward();
        return trainable.ToDictionary(t => t.Name, t => t.Parameter.grad!.clone());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Lora_wraps_query_and_value_and_checkpointing_gives_the_same_gradients(EncoderFamily family)
    {
        using var scope = NewDisposeScope();
        var plain = Gradients(family, checkpoint: false);
        var checkpointed = Gradients(family, checkpoint: true);
        Assert.Equal(2 * 2 * 2 + 2, plain.Count); // 2 layers × query, value × A, B + head
        Assert.Contains("lora.encoder.layer.1.attention.self.value.lora_A.weight", plain.Keys);
        Assert.DoesNotContain(plain.Keys, k => k.Contains("_global"));
        foreach (var (name, grad) in plain)
        {
            Assert.True(grad.abs().sum().item<float>() > 0, $"{name}: no gradient");
            Assert.True(TensorAssert.MaxDiff(grad, checkpointed[name]) < 1e-6, $"{name}: checkpointed gradient differs by {TensorAssert.MaxDiff(grad, checkpointed[name]):g3}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Cls_pooled_classifier_fits_a_batch(EncoderFamily family)
    {
        using var scope = NewDisposeScope();
        using var batch = Batch();
        using var classifier = Classifier(family, checkpoint: false, Pooling.Cls);
        classifier.SetTrainingMode(true);
        using var optimizer = optim.AdamW(classifier.TrainableParameters().Select(t => t.Parameter), lr: 1e-2);
        float first = 0, last = 0;
        for (int step = 0; step < 25; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = ClassificationLoss.BceWithLogits(classifier.Logits(batch), batch.Labels);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Assert.True(last < first * 0.5, $"loss {first} → {last}");
    }
}
