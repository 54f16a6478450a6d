using System.Security.Cryptography;

namespace LLM4EHR.Tests.Support;

/// <summary>SHA-256 of files, so data-safety tests can prove a user's files were not touched (not just still there).</summary>
internal static class FileHash
{
    public static string Of(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every file under <paramref name="dir"/> (relative path → hash), for before/after comparisons.</summary>
    /// <summary>Copies every file under <paramref name="from"/> to the same relative path under <paramref name="to"/>.</summary>
    public static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    public static SortedDictionary<string, string> OfTree(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), Of), StringComparer.Ordinal);
}
