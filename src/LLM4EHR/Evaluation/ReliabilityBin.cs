namespace LLM4EHR.Evaluation;

/// <summary>One non-empty probability bin of a reliability diagram: [Lower, Upper), the last bin closed.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanPredicted, double FractionPositive);
