using LLM4EHR.Data;
using LLM4EHR.Models.Lora;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Everything one experiment needs, validated. Load it with <see cref="ExperimentConfigLoader"/>; the resolved
/// form (every default filled in) is what gets saved into the run folder.
/// </summary>
public sealed record ExperimentConfig(
    ClinicalTask Task, DataSettings Data, ModelSettings Model, QuantizationSettings Quantization, LoraSettings Lora,
    TextSettings Text, TrainingSettings Training, OutputSettings Output)
{
    /// <summary>What importing a Python seed config ignored or interpreted (empty for a native config).</summary>
    public IReadOnlyList<string> ImportNotes { get; init; } = [];

    /// <summary>The time-series encoders (<c>series:</c>).</summary>
    public SeriesSettings Series { get; init; } = SeriesSettings.Default;

    /// <summary>Frozen-embedding mode (<c>embeddings:</c>).</summary>
    public EmbeddingSettings Embeddings { get; init; } = EmbeddingSettings.Default;

    internal static ExperimentConfig Read(ConfigSection root)
    {
        string? taskText = root.OptionalText("task");
        if (taskText is null)
            throw root.Error("task", "required: ihm or pheno");
        var task = taskText switch
        {
            "ihm" => ClinicalTask.Ihm,
            "pheno" => ClinicalTask.Pheno,
            _ => throw root.Error("task", $"expected one of ihm|pheno, got '{taskText}'"),
        };
        var data = DataSettings.Read(root.SectionOrEmpty("data"));
        var model = ModelSettings.Read(root.SectionOrEmpty("model"));
        var config = new ExperimentConfig(task, data, model,
            QuantizationSettings.Read(root.SectionOrEmpty("quantization")),
            LoraSection.Read(root.SectionOrEmpty("lora"), model.Type),
            TextSettings.Read(root.SectionOrEmpty("text"), task),
            TrainingSettings.Read(root.SectionOrEmpty("training"), task),
            OutputSettings.Read(root.SectionOrEmpty("output"), Path.Combine("runs", task.Id())))
        {
            Series = SeriesSettings.Read(root.SectionOrEmpty("series")),
            Embeddings = EmbeddingSettings.Read(root.SectionOrEmpty("embeddings")),
        };
        root.Finish();
        EncoderSettings.Check(root, config);
        return config;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("task", YamlOut.Word(Task.Id())), ("data", Data.ToYaml()), ("model", Model.ToYaml()),
        ("quantization", Quantization.ToYaml()), ("lora", LoraSection.ToYaml(Lora)), ("text", Text.ToYaml()),
        ("training", Training.ToYaml()), ("series", Series.ToYaml()), ("embeddings", Embeddings.ToYaml()), ("output", Output.ToYaml()));
}
