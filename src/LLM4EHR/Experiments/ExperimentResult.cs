using LLM4EHR.Evaluation;
using LLM4EHR.Text;
using LLM4EHR.Training;

namespace LLM4EHR.Experiments;

/// <summary>What a training run produced: the trainer's outcome and, unless interrupted, the test evaluation.</summary>
public sealed record ExperimentResult(
    string RunDir,
    TrainingResult Training,
    EvaluationReport? Test,
    IReadOnlyDictionary<string, TokenizationSummary> Tokenization);
