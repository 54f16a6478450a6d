using LLM4EHR.Config;
using LLM4EHR.Data;
using TorchSharp;
using LLM4EHR.Data.Series;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Models.TimeSeries;

/// <summary>
/// Builds the time-series families of <c>model.type</c> (no tokenizer, no model folder): <c>lstm</c> and <c>cnn</c> over
/// the standardized <c>reg_ts</c> inputs [hours, 34], trained whole; <c>logreg</c>, an L2 logistic regression on the 714
/// standardized hand features. Weights start from <c>training.seed</c>, so two fresh runs are identical.
/// </summary>
public static class TimeSeriesClassifiers
{
    public static PooledClassifier Build(ExperimentConfig config, ComputeDevice compute)
    {
        int labels = config.Task.LabelCount();
        long seed = config.Training.Seed;
        if (config.Model.Type == ModelType.Logreg)
        {
            var features = new FeatureBackbone(HandFeatures.Count);
            return new PooledClassifier(features, new PooledClassifierHead(HandFeatures.Count, labels, seed).to(compute.Device), lora: null)
            {
                HeadL2 = config.Series.L2,
            };
        }
        var (encoder, pooling) = Encoder(config.Model.Type, config.Series, seed, compute.Device);
        return new PooledClassifier(encoder, new PooledClassifierHead(encoder.HiddenSize, labels, seed, pooling), lora: null, trainBackbone: true);
    }

    /// <summary>An LSTM or CNN series encoder on <paramref name="device"/> and the pooling its head uses.</summary>
    public static (IBackbone Encoder, Pooling Pooling) Encoder(ModelType type, SeriesSettings s, long seed, Device device)
    {
        manual_seed(seed); // the encoder's initial weights come from torch's global generator
        IBackbone encoder = type switch
        {
            ModelType.Lstm => new LstmBackbone(RegularSeriesInputs.Width, s.Hidden, s.Layers, s.Dropout),
            ModelType.Cnn => new CnnBackbone(RegularSeriesInputs.Width, s.Hidden, s.Layers, s.Kernel, s.Dropout),
            _ => throw new ArgumentOutOfRangeException(nameof(type), $"{type} is not a series encoder"),
        };
        encoder.Module.to(device);
        return (encoder, type == ModelType.Lstm ? Pooling.Last : Pooling.Max);
    }
}
