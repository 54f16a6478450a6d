namespace LLM4EHR.Training;

/// <summary>
/// How a <see cref="Trainer.Run"/> ended. <see cref="Interrupted"/>: cancelled, the resume checkpoint is saved
/// (call Run again with resume). <see cref="BestWeightsPath"/> holds the trained weights of the best evaluation
/// (load them with <see cref="Models.TrainedWeights.Load"/> before testing); the model itself ends with the last weights.
/// </summary>
public sealed record TrainingResult(
    bool Interrupted,
    bool StoppedEarly,
    long Steps,
    int BestEpoch,
    double BestValue,
    IReadOnlyDictionary<string, double>? BestMetrics,
    string BestWeightsPath);
