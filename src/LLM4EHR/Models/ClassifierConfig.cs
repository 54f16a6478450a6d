namespace LLM4EHR.Models;

/// <summary>What <c>classifier.json</c> holds.</summary>
public sealed record ClassifierConfig(int LabelCount, long HiddenSize, ClassifierLoraConfig? Lora);
