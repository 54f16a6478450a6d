using LLM4EHR.Models;
using LLM4EHR.Models.TimeSeries;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>The series encoders compute what they claim, with the shapes the head expects.</summary>
public sealed class TimeSeriesBackboneTests
{
    private static StayBatch Batch(Tensor series) =>
        new(zeros(series.shape[0], 0, dtype: ScalarType.Int64), zeros(series.shape[0], 0, dtype: ScalarType.Int64),
            zeros(series.shape[0], 0, dtype: ScalarType.Int64), zeros(series.shape[0], 1), ["a", "b", "c"], series);

    [Fact]
    public void Cnn_blocks_equal_libtorch_conv1d_relu_with_same_padding()
    {
        manual_seed(3);
        using var cnn = new CnnBackbone(inputSize: 5, channels: 4, layers: 2, kernel: 3, dropoutRate: 0.5);
        cnn.eval(); // no dropout
        using var batch = Batch(randn(3, 7, 5));                                       // [B, S, C]
        using var noGrad = no_grad();
        var (hidden, mask) = cnn.Encode(batch);
        Assert.Equal([3L, 7, 4], hidden.shape);
        Assert.Equal(21, mask.sum().item<long>());

        var p = cnn.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var x = batch.Series!.transpose(1, 2);                                           // [B, C, S]
        for (int i = 0; i < 2; i++)
        {
            var w = p[$"weights.{i}"].view(4, -1, 3);                                    // [out, in, kernel]
            x = nn.functional.relu(nn.functional.conv1d(x, w, p[$"biases.{i}"], padding: 1));
        }
        Assert.True(hidden.allclose(x.transpose(1, 2), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Lstm_gives_one_state_per_hour_and_its_last_state_is_the_final_hidden_state()
    {
        manual_seed(4);
        using var lstm = new LstmBackbone(inputSize: 6, hiddenSize: 8, layers: 2, dropout: 0.1);
        lstm.eval();
        using var batch = Batch(randn(3, 10, 6));
        using var noGrad = no_grad();
        var (hidden, mask) = lstm.Encode(batch);
        Assert.Equal([3L, 10, 8], hidden.shape);
        var last = PooledClassifierHead.Pool(hidden, mask, Pooling.Last);
        Assert.True(last.allclose(hidden[.., ^1, ..]));
        Assert.True(hidden.isfinite().all().item<bool>());
    }
}
