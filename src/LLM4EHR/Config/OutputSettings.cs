using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// The run folder: resolved config, log.jsonl, checkpoints, predictions and metrics. With
/// <paramref name="Overwrite"/> a fresh (non-resumed) run first removes the previous run's files from the folder
/// (the demo uses it, so its one command can be run again); otherwise an existing run is an error.
/// </summary>
public sealed record OutputSettings(string RunDir, bool Overwrite = false)
{
    internal static OutputSettings Read(ConfigSection s, string fallback)
    {
        var o = new OutputSettings(s.Text("run_dir", fallback), s.Bool("overwrite", false));
        s.Finish();
        return o;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(("run_dir", YamlOut.Text(RunDir)), ("overwrite", YamlOut.Bool(Overwrite)));
}
