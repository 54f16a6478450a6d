using LLM4EHR.Data;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Where the cohort lives. <paramref name="Root"/> holds <c>{train,val,test}_p2x_data.pkl</c>; with
/// <paramref name="Demo"/> a synthetic cohort of <paramref name="DemoStays"/> training stays (seed
/// <paramref name="DemoSeed"/>) is written there on first use.
/// </summary>
public sealed record DataSettings(string Root, bool Demo, int DemoStays, int DemoSeed)
{
    /// <summary>Regex whose first group is the subject id in a stay name (the leakage audit's subject check).</summary>
    public string SubjectPattern { get; init; } = LLM4EHR.Data.Audit.DataAudit.DefaultSubjectPattern;

    internal static DataSettings Read(ConfigSection s)
    {
        bool demo = s.Bool("demo", false);
        string? root = s.OptionalText("root");
        var d = new DataSettings(root ?? "", demo, s.Int("demo_stays", 600, min: 10), s.Int("demo_seed", 7))
        {
            SubjectPattern = s.Text("subject_pattern", LLM4EHR.Data.Audit.DataAudit.DefaultSubjectPattern),
        };
        try
        {
            _ = new System.Text.RegularExpressions.Regex(d.SubjectPattern);
        }
        catch (ArgumentException e)
        {
            throw s.Error("subject_pattern", $"not a valid regular expression ({e.Message})");
        }
        if (root is null or "")
            throw s.Error("root", "required: the folder holding {train,val,test}_p2x_data.pkl (or where the demo cohort is written)");
        s.Finish();
        return d;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("root", YamlOut.Text(Root)), ("demo", YamlOut.Bool(Demo)),
        ("demo_stays", YamlOut.Int(DemoStays)), ("demo_seed", YamlOut.Int(DemoSeed)), ("subject_pattern", YamlOut.Text(SubjectPattern)));
}
