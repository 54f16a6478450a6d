using LLM4EHR.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class ResumeCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (List<(string, Parameter)> Params, AdamW Optimizer, List<AdamW.State> States) Setup(params Parameter[] ps)
    {
        var named = ps.Select((p, i) => ($"p{i}", p)).ToList();
        var opt = new AdamW(ps, lr: 0.1);
        return (named, opt, opt.state_dict().State.Cast<AdamW.State>().ToList());
    }

    [Fact]
    public void Round_trips_weights_moments_steps_rng_and_position()
    {
        manual_seed(1);
        var (ps, opt, states) = Setup(new Parameter(randn(3, 4)), new Parameter(randn(5)));
        using var _ = opt;
        foreach (var (_, p) in ps) p.grad = randn_like(p);
        opt.step();
        string path = Path.Combine(_dir, "last.safetensors");
        var position = new ResumePosition { Epoch = 2, NextGroup = 5, OptimizerStep = 17, BestValue = 0.75, LogBytes = 123 };
        ResumeCheckpoint.Save(path, ps, states, position);
        using var expectedNext = rand(4);                                   // what the RNG gives after the save

        manual_seed(99);
        var (ps2, opt2, states2) = Setup(new Parameter(zeros(3, 4)), new Parameter(zeros(5)));
        using var __ = opt2;
        var loaded = ResumeCheckpoint.Load(path, ps2, states2);
        Assert.Equal((2, 5, 17L, 0.75, 123L), (loaded.Epoch, loaded.NextGroup, loaded.OptimizerStep, loaded.BestValue, loaded.LogBytes));
        for (int i = 0; i < 2; i++)
        {
            Assert.True(ps[i].Item2.eq(ps2[i].Item2).all().item<bool>());
            Assert.True(states[i].exp_avg.eq(states2[i].exp_avg).all().item<bool>());
            Assert.True(states[i].exp_avg_sq.eq(states2[i].exp_avg_sq).all().item<bool>());
            Assert.Equal(1, states2[i].step);
        }
        using var next = rand(4);
        Assert.True(expectedNext.eq(next).all().item<bool>());
    }

    [Fact]
    public void A_failed_write_keeps_the_previous_checkpoint_and_leaves_no_temp_file()
    {
        var (ps, opt, states) = Setup(new Parameter(ones(2, 2)));
        using var _ = opt;
        string path = Path.Combine(_dir, "last.safetensors");
        ResumeCheckpoint.Save(path, ps, states, new ResumePosition { OptimizerStep = 1 });
        byte[] before = File.ReadAllBytes(path);

        // A meta tensor has a shape and dtype (the header is written) but no data: the write fails midway.
        var (bad, badOpt, badStates) = Setup(new Parameter(empty(2, 2, device: META)));
        using var __ = badOpt;
        var ex = Assert.ThrowsAny<Exception>(() => ResumeCheckpoint.Save(path, bad, badStates, new ResumePosition { OptimizerStep = 2 }));
        Assert.Contains("meta", ex.Message, StringComparison.OrdinalIgnoreCase);   // failed copying data, after the temp file was opened

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["last.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_rejected_with_a_one_line_error()
    {
        var (ps, opt, states) = Setup(new Parameter(ones(2, 2)));
        using var _ = opt;
        string path = Path.Combine(_dir, "last.safetensors");
        ResumeCheckpoint.Save(path, ps, states, new ResumePosition());
        var (other, opt2, states2) = Setup(new Parameter(ones(3, 2)));
        using var __ = opt2;
        var ex = Assert.Throws<BadInputException>(() => ResumeCheckpoint.Load(path, other, states2));
        Assert.Equal("last.safetensors: 'weights/p0' has shape [2,2], the model needs [3,2]", ex.Message);
    }
}
