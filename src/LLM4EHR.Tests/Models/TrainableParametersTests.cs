using LLM4EHR.Models;
using LLM4EHR.Models.Lora;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>One real AdamW step: only adapters and head may move; every other parameter and buffer stays bit-identical.</summary>
public class TrainableParametersTests
{
    [Theory]
    [InlineData(true, true)]   // QLoRA: NF4 base + LoRA
    [InlineData(false, true)]  // LoRA on a full-precision base
    [InlineData(false, false)] // frozen backbone, head only
    [InlineData(true, false)]
    public void One_optimizer_step_changes_only_adapters_and_head(bool nf4, bool lora)
    {
        var settings = lora ? new LoraSettings { R = 4, Alpha = 16, Dropout = 0.05, Targets = ["q_proj", "v_proj", "down_proj"] } : null;
        var (clf, backbone) = ClassifierFactory.Build(settings, nf4, labels: 2);
        using var _ = clf;
        var trainable = clf.TrainableParameters();
        var trainableRefs = trainable.Select(t => (Tensor)t.Parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.Equal(lora ? 2 + 2 * 6 : 2, trainable.Count);
        Assert.Equal(trainable.Count, trainable.Select(t => t.Name).Distinct().Count());

        // Everything the model holds: backbone parameters and buffers (NF4 codes/scales) and the head.
        var all = backbone.named_parameters().Select(p => ("backbone." + p.name, (Tensor)p.parameter))
            .Concat(backbone.named_buffers().Select(b => ("backbone." + b.name, b.buffer)))
            .Concat(clf.Head.named_parameters().Select(p => ("head." + p.name, (Tensor)p.parameter))).ToList();
        Assert.All(all.Where(t => !trainableRefs.Contains(t.Item2)), t => Assert.False(t.Item2.requires_grad, t.Item1));
        var before = all.ToDictionary(t => t.Item1, t => t.Item2.detach().clone());

        using var batch = TinyHostModel.Batch([5, 3, 6], labels: 2);
        using var optimizer = optim.AdamW(trainable.Select(t => t.Parameter), lr: 1e-2);
        clf.SetTrainingMode(true);
        using (var logits = clf.Logits(batch))
        using (var loss = ClassificationLoss.BceWithLogits(logits, batch.Labels))
        {
            Assert.Equal(new long[] { 3, 2 }, logits.shape);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        var changed = all.Where(t => !TensorAssert.Identical(before[t.Item1], t.Item2)).ToList();
        foreach (var (name, tensor) in changed)
            Assert.True(trainableRefs.Contains(tensor), $"{name} changed but is not trainable");
        var changedRefs = changed.Select(c => c.Item2).ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.Contains(clf.Head.Weight, changedRefs);
        if (lora)
            Assert.All(clf.Adapters!.Adapters, a => Assert.Contains(a.Adapter.WeightB, changedRefs));
        foreach (var t in before.Values) t.Dispose();
    }
}
