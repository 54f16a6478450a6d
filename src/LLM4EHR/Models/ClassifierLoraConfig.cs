using LLM4EHR.Models.Lora;

namespace LLM4EHR.Models;

/// <summary>LoRA settings as stored (plain lists so the JSON reads naturally).</summary>
public sealed record ClassifierLoraConfig(int R, double Alpha, double Dropout, string[] Targets, long Seed)
{
    public static ClassifierLoraConfig From(LoraSettings s) => new(s.R, s.Alpha, s.Dropout, [.. s.Targets], s.Seed);
    public LoraSettings ToSettings() => new() { R = R, Alpha = Alpha, Dropout = Dropout, Targets = Targets, Seed = Seed };
}
