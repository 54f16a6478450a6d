namespace LLM4EHR.Training;

/// <summary>
/// One <c>"type": "epoch"</c> line of log.jsonl. <see cref="Val"/> holds the validation metrics (with "loss") of
/// epochs that were evaluated; it is empty for epochs skipped by <c>eval_every</c>.
/// </summary>
public sealed record TrainingEpochRecord(int Epoch, long Step, double TrainLoss, IReadOnlyDictionary<string, double> Val, bool Improved, int? BestEpoch);
