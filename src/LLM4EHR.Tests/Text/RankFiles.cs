using System.Text;

namespace LLM4EHR.Tests.Text;

/// <summary>Writes small tiktoken rank files: all 256 single bytes (ranks 0..255), then the given merges.</summary>
internal static class RankFiles
{
    public static void WriteTiny(string path, params string[] merges) => File.WriteAllText(path, Tiny(merges));

    public static string Tiny(params string[] merges)
    {
        var sb = new StringBuilder();
        for (int b = 0; b < 256; b++)
            sb.Append(Convert.ToBase64String([(byte)b])).Append(' ').Append(b).Append('\n');
        for (int i = 0; i < merges.Length; i++)
            sb.Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(merges[i]))).Append(' ').Append(256 + i).Append('\n');
        return sb.ToString();
    }
}
