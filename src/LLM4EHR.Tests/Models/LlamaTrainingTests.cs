using LLM4EHR.Models;
using LLM4EHR.Text;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>Gradient checkpointing, padding and tensor lifetime of the backbone.</summary>
[Collection(GlobalRngCollection.Name)]
public class LlamaTrainingTests
{
    private static readonly LlamaConfig Config =
        new TinyLlamaOptions { Hidden = 32, Layers = 3, Heads = 4, KvHeads = 2, VocabSize = 61 }.ToConfig();

    /// <summary>A LoRA-like stand-in: the original projection, then dropout (so recompute must replay the RNG).</summary>
    private sealed class DropoutAfter(nn.Module<Tensor, Tensor> inner, double p) : nn.Module<Tensor, Tensor>("DropoutAfter")
    {
        private readonly nn.Module<Tensor, Tensor> inner_ = inner;
        private readonly Dropout dropout = nn.Dropout(p);
        public override Tensor forward(Tensor x) => dropout.call(inner_.call(x));
    }

    private static (Tensor Loss, Tensor EmbedGrad, Dictionary<string, Tensor> Grads) Step(LlamaModel model, Tensor ids, Tensor mask, long seed)
    {
        foreach (var p in model.parameters()) p.grad = null;
        manual_seed(seed);
        var embeddings = model.Embed(ids).detach().requires_grad_(true);
        var hidden = model.ForwardEmbeddings(embeddings, mask, TokenCollator.PositionIdsFromMask(mask));
        var loss = hidden.square().mean();
        loss.backward();
        var grads = model.named_parameters().Where(p => p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (loss.detach(), embeddings.grad!.clone(), grads);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Checkpointed_gradients_equal_plain_gradients(bool withDropout)
    {
        using var scope = NewDisposeScope();
        using var model = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 3);
        // Trainable parameters inside layers, like LoRA adapters: q_proj of every layer, v_proj of layer 1.
        foreach (var layer in model.LinearNames.Where(n => n.EndsWith("q_proj") || n == "model.layers.1.self_attn.v_proj"))
            foreach (var p in model.GetLinear(layer).parameters()) p.requires_grad_(true);
        if (withDropout)
            model.SetLinear("model.layers.2.self_attn.q_proj", new DropoutAfter(model.GetLinear("model.layers.2.self_attn.q_proj"), 0.3));
        model.train();
        var ids = randint(0, Config.VocabSize, [2, 9]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1 }, [2, 9]);

        model.GradientCheckpointing = false;
        var plain = Step(model, ids, mask, seed: 11);
        model.GradientCheckpointing = true;
        var checkpointed = Step(model, ids, mask, seed: 11);

        Assert.Equal(4, plain.Grads.Count);
        Assert.Equal(plain.Loss.item<float>(), checkpointed.Loss.item<float>());
        Assert.True(plain.EmbedGrad.abs().sum().item<float>() > 0);
        Assert.True(plain.EmbedGrad.allclose(checkpointed.EmbedGrad, rtol: 1e-5, atol: 1e-7), "input gradients differ");
        foreach (var (name, g) in plain.Grads)
        {
            Assert.True(g.abs().sum().item<float>() > 0, name);
            Assert.True(g.allclose(checkpointed.Grads[name], rtol: 1e-5, atol: 1e-7), $"{name}: gradients differ");
        }
    }

    [Fact]
    public void Checkpointing_reaches_layer_parameters_when_the_input_needs_no_grad()
    {
        using var scope = NewDisposeScope();
        using var model = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 4);
        var q = model.GetLinear("model.layers.0.self_attn.q_proj").parameters().Single().requires_grad_(true);
        var ids = randint(0, Config.VocabSize, [1, 7]);
        model.GradientCheckpointing = false;
        model.Forward(ids).sum().backward();
        var plain = q.grad!.clone();
        q.grad = null;
        model.GradientCheckpointing = true;
        model.Forward(ids).sum().backward();
        Assert.True(plain.allclose(q.grad!, rtol: 1e-5, atol: 1e-7));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Training_steps_leave_no_tensors_behind(bool checkpoint, bool nf4)
    {
        var factory = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = true });
        using var model = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 5, nf4 ? (n, w, b) => factory(n, w, b) : null);
        model.GradientCheckpointing = checkpoint;
        // NF4 projections have no parameters: train a norm of layer 0, so layer 1's NF4 inputs need a gradient.
        var trained = nf4 ? [model.Layers[0].named_parameters().First(p => p.name.Contains("norm")).parameter]
            : model.GetLinear("model.layers.1.self_attn.v_proj").parameters();
        foreach (var p in trained) p.requires_grad_(true);
        using var ids = randint(0, Config.VocabSize, [2, 8]);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 8]);
        long LiveAfterStep()
        {
            using (var step = NewDisposeScope())
            {
                var hidden = model.Forward(ids, mask, TokenCollator.PositionIdsFromMask(mask));
                hidden.mean().backward();
            }
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        LiveAfterStep();
        long first = LiveAfterStep();
        for (int i = 0; i < 3; i++)
            Assert.Equal(first, LiveAfterStep());
    }

    [Fact]
    public void Left_and_right_padding_give_the_same_hidden_states_at_real_tokens()
    {
        using var scope = NewDisposeScope();
        using var model = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 6);
        long[] a = [5, 9, 2, 7, 1, 3], b = [4, 8, 6];
        // Row 1 is right-padded in one batch, left-padded in the other.
        var right = tensor(a.Concat(b).Concat(new long[] { 0, 0, 0 }).ToArray(), [2, 6]);
        var rightMask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 6]);
        var left = tensor(a.Concat(new long[] { 0, 0, 0 }).Concat(b).ToArray(), [2, 6]);
        var leftMask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1 }, [2, 6]);
        Tensor hr, hl;
        using (no_grad())
        {
            hr = model.Forward(right, rightMask, TokenCollator.PositionIdsFromMask(rightMask));
            hl = model.Forward(left, leftMask, TokenCollator.PositionIdsFromMask(leftMask));
        }
        Assert.False(hl.isnan().any().item<bool>(), "pad rows must stay finite");
        Assert.True(hr[1].narrow(0, 0, 3).allclose(hl[1].narrow(0, 3, 3), rtol: 1e-5, atol: 1e-5));
        Assert.True(hr[0].allclose(hl[0], rtol: 1e-5, atol: 1e-5));
        using (var batch = new LLM4EHR.Models.StayBatch(left, leftMask, TokenCollator.PositionIdsFromMask(leftMask), zeros(2, 1), ["a", "b"]))
        using (no_grad())
            Assert.True(model.Forward(batch).allclose(hl));
        // The unpadded fast path (is_causal, no mask) agrees with the masked path on a full row.
        using (no_grad())
        {
            var alone = model.Forward(tensor(a, [1, 6]));
            Assert.True(alone[0].allclose(hr[0], rtol: 1e-5, atol: 1e-5));
        }
    }

    [Fact]
    public void Bf16_compute_runs_in_bf16_and_tracks_f32()
    {
        using var scope = NewDisposeScope();
        using var f32 = LlamaRandomWeights.Create(Config, ComputeDevice.Cpu, seed: 7);
        using var bf16 = LlamaRandomWeights.Create(Config, new ComputeDevice(CPU, ScalarType.BFloat16), seed: 7);
        Assert.All(bf16.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var ids = randint(0, Config.VocabSize, [2, 10]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, [2, 10]);
        using (no_grad())
        {
            var a = f32.Forward(ids, mask);
            var b = bf16.Forward(ids, mask);
            Assert.Equal(ScalarType.BFloat16, b.dtype);
            var diff = (b.to_type(ScalarType.Float32) - a).abs().max().item<float>();
            Assert.InRange(diff, 0, 0.1 * a.abs().max().item<float>());
        }
    }

    [Fact]
    public void Position_ids_count_real_tokens()
    {
        using var mask = tensor(new long[] { 0, 0, 1, 1, 1, 1, 1, 0 }, [2, 4]);
        using var pos = TokenCollator.PositionIdsFromMask(mask);
        Assert.Equal(new long[] { 0, 0, 0, 1, 0, 1, 2, 0 }, pos.data<long>().ToArray());
    }
}
