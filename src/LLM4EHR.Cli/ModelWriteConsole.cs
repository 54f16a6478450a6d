using LLM4EHR.IO;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using Spectre.Console;

namespace LLM4EHR.Cli;

/// <summary>How a model write shows on the console: its size and the free space first, then each finished file.</summary>
internal static class ModelWriteConsole
{
    public static IProgress<ModelWriteProgress> Progress()
    {
        ModelWriteProgress? previous = null;
        return new InlineProgress<ModelWriteProgress>(p =>
        {
            if (p.TensorsWritten == 0)
            {
                AnsiConsole.MarkupLineInterpolated(
                    $"[grey]writing {DiskSpace.Gb(p.TotalBytes)} GB ({p.TotalTensors} tensors in {p.Shards} file{(p.Shards == 1 ? "" : "s")}) to {p.Folder}; {DiskSpace.Gb(p.FreeBytes)} GB free there[/]");
                return;
            }
            if (previous is not null && previous.CurrentShard != p.CurrentShard)
                Done(previous);
            previous = p;
            if (p.TensorsWritten == p.TotalTensors)
                Done(p);
        });
    }

    private static void Done(ModelWriteProgress p) =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{p.CurrentShard} written ({DiskSpace.Gb(p.BytesWritten)} of {DiskSpace.Gb(p.TotalBytes)} GB)[/]");
}
