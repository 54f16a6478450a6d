using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>The run folder: resolved config, log.jsonl, checkpoints, predictions and metrics.</summary>
public sealed record OutputSettings(string RunDir)
{
    internal static OutputSettings Read(ConfigSection s, string fallback)
    {
        var o = new OutputSettings(s.Text("run_dir", fallback));
        s.Finish();
        return o;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(("run_dir", YamlOut.Text(RunDir)));
}
