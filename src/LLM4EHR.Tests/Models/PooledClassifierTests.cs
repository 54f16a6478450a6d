using LLM4EHR.Models;
using LLM4EHR.Models.Lora;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class PooledClassifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clf-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Masked_mean_averages_real_tokens_only_in_f32()
    {
        using var hidden = randn(2, 4, 3).to_type(ScalarType.BFloat16);
        using var mask = tensor(new long[] { 1, 1, 0, 0, 1, 1, 1, 1 }).view(2, 4);
        using var pooled = PooledClassifierHead.MaskedMean(hidden, mask);
        Assert.Equal(ScalarType.Float32, pooled.dtype);
        using var h = hidden.to_type(ScalarType.Float32);
        using var row0 = h[0].narrow(0, 0, 2).mean([0]);
        using var row1 = h[1].mean([0]);
        Assert.True(pooled[0].allclose(row0, rtol: 1e-6, atol: 1e-6));
        Assert.True(pooled[1].allclose(row1, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Cls_max_and_last_pooling_pick_what_they_name_for_either_padding_side()
    {
        float[] values = [.. Enumerable.Range(0, 2 * 4 * 3).Select(i => (float)Math.Sin(i))];
        using var hidden = tensor(values).view(2, 4, 3);
        // Row 0 right-padded (2 real), row 1 left-padded (3 real).
        using var mask = tensor(new long[] { 1, 1, 0, 0, 0, 1, 1, 1 }).view(2, 4);
        float At(int b, int t, int h) => values[(b * 4 + t) * 3 + h];
        using var cls = PooledClassifierHead.Pool(hidden, mask, Pooling.Cls);
        using var max = PooledClassifierHead.Pool(hidden, mask, Pooling.Max);
        using var last = PooledClassifierHead.Pool(hidden, mask, Pooling.Last);
        int[][] real = [[0, 1], [1, 2, 3]];
        for (int b = 0; b < 2; b++)
            for (int h = 0; h < 3; h++)
            {
                Assert.Equal(At(b, 0, h), cls[b, h].item<float>());
                Assert.Equal(real[b].Max(t => At(b, t, h)), max[b, h].item<float>());
                Assert.Equal(At(b, real[b][^1], h), last[b, h].item<float>());
            }
        using var none = zeros(1, 4, dtype: ScalarType.Int64);
        using var emptyMax = PooledClassifierHead.Pool(hidden[..1], none, Pooling.Max);
        Assert.Equal(0f, emptyMax.abs().sum().item<float>());
    }

    [Fact]
    public void A_trained_backbone_exposes_every_parameter_and_a_frozen_one_none()
    {
        var backbone = new TinyHostModel();
        using var trained = new PooledClassifier(backbone, new PooledClassifierHead(backbone.Hidden, 1), lora: null, trainBackbone: true);
        var names = trained.TrainableParameters().Select(p => p.Name).ToList();
        Assert.Equal(backbone.named_parameters().Count() + 2, names.Count);
        Assert.All(names.SkipLast(2), n => Assert.StartsWith("backbone.", n));
        Assert.All(backbone.parameters(), p => Assert.True(p.requires_grad));

        var (frozen, host) = ClassifierFactory.Build(lora: null, nf4: false);
        using var _ = frozen;
        Assert.Equal(["head.weight", "head.bias"], frozen.TrainableParameters().Select(p => p.Name));
        Assert.All(host.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Padding_tokens_do_not_change_the_logits()
    {
        var (clf, _) = ClassifierFactory.Build(new LoraSettings(), nf4: true, labels: 25);
        using var _c = clf;
        clf.SetTrainingMode(false);
        using var batch = TinyHostModel.Batch([6, 2], labels: 25);
        using var logits = clf.Logits(batch);
        Assert.Equal(new long[] { 2, 25 }, logits.shape);
        // Same real tokens, different junk at padded positions (the tiny model is token-wise, so hidden states
        // at pads change; pooling must ignore them).
        using var junk = batch.InputIds + (1 - batch.AttentionMask) * 7;
        using var other = new StayBatch(junk, batch.AttentionMask.clone(), batch.PositionIds.clone(), batch.Labels.clone(), batch.Names);
        using var logits2 = clf.Logits(other);
        TensorAssert.Equal(logits, logits2, "pad-invariance");
    }

    [Fact]
    public void Bce_with_pos_weight_matches_its_formula()
    {
        using var z = tensor(new float[] { 2f, -1f, 0.5f, -3f }).view(2, 2);
        using var y = tensor(new float[] { 1f, 0f, 0f, 1f }).view(2, 2);
        using var w = tensor(new float[] { 3f, 0.5f });
        using var loss = ClassificationLoss.BceWithLogits(z, y, w);
        double expected = 0;
        float[] zs = [2f, -1f, 0.5f, -3f], ys = [1f, 0f, 0f, 1f], ws = [3f, 0.5f];
        for (int i = 0; i < 4; i++)
        {
            double p = 1 / (1 + Math.Exp(-zs[i]));
            expected -= ws[i % 2] * ys[i] * Math.Log(p) + (1 - ys[i]) * Math.Log(1 - p);
        }
        Assert.Equal(expected / 4, loss.item<float>(), 5);
        using var plain = ClassificationLoss.BceWithLogits(z, y);
        Assert.NotEqual(loss.item<float>(), plain.item<float>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Saved_adapters_and_head_reload_to_identical_logits(bool lora)
    {
        // The run folder's format (checkpoints/best.safetensors): trained tensors only, loaded by name and shape.
        var settings = lora ? new LoraSettings { R = 4, Alpha = 32 } : null;
        var (trained, _) = ClassifierFactory.Build(settings, nf4: true, labels: 3, headSeed: 1);
        using var _t = trained;
        using (no_grad())
            foreach (var (_, p) in trained.TrainableParameters()) p.add_(randn_like(p) * 0.1);
        trained.SetTrainingMode(false);
        using var batch = TinyHostModel.Batch([4, 7], labels: 3);
        using var expected = trained.Logits(batch);
        string path = Path.Combine(_dir, "best.safetensors");
        TrainedWeights.Save(trained, path);

        var (fresh, _) = ClassifierFactory.Build(settings is null ? null : settings with { Seed = 99 }, nf4: true, labels: 3, headSeed: 2);
        using var _f = fresh;
        fresh.SetTrainingMode(false);
        using (var differs = fresh.Logits(batch))
            Assert.False(TensorAssert.Identical(expected, differs));
        TrainedWeights.Load(fresh, path);
        using var reloaded = fresh.Logits(batch);
        TensorAssert.Equal(expected, reloaded, "reloaded logits");
    }

    [Fact]
    public void Loading_into_a_differently_shaped_classifier_is_a_one_line_error()
    {
        var (a, _) = ClassifierFactory.Build(new LoraSettings { R = 4 }, nf4: false);
        using var _a = a;
        string path = Path.Combine(_dir, "best.safetensors");
        TrainedWeights.Save(a, path);
        var (b, _) = ClassifierFactory.Build(new LoraSettings { R = 8 }, nf4: false);
        using var _b = b;
        var ex = Assert.Throws<BadInputException>(() => TrainedWeights.Load(b, path));
        Assert.Contains("best.safetensors: '", ex.Message);
        Assert.Contains("model expects", ex.Message);
        var (c, _) = ClassifierFactory.Build(new LoraSettings { R = 4 }, nf4: false, labels: 25);
        using var _c = c;
        Assert.Contains("head.weight", Assert.Throws<BadInputException>(() => TrainedWeights.Load(c, path)).Message);
    }
}
