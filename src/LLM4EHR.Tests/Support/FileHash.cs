using System.Security.Cryptography;

namespace LLM4EHR.Tests.Support;

/// <summary>SHA-256 of files, so data-safety tests can prove a user's files were not touched (not just still there).</summary>
internal static class FileHash
{
    public static string Of(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every file under <paramref name="dir"/> (relative path → hash), for before/after comparisons.</summary>
    public static SortedDictionary<string, string> OfTree(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), Of), StringComparer.Ordinal);
}
