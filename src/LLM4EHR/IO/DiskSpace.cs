using System.Globalization;

namespace LLM4EHR.IO;

/// <summary>Free space on the file system that holds (or will hold) a folder, checked before a large write.</summary>
public static class DiskSpace
{
    /// <summary>Bytes available to this user where <paramref name="folder"/> is or would be created.</summary>
    public static long AvailableBytes(string folder)
    {
        // The folder may not exist yet: ask about its nearest existing ancestor (same file system once created).
        var dir = new DirectoryInfo(Path.GetFullPath(folder));
        while (!dir.Exists && dir.Parent is not null)
            dir = dir.Parent;
        return new DriveInfo(dir.FullName).AvailableFreeSpace;
    }

    /// <summary>Returns the free bytes, or throws bad input naming the folder when fewer than <paramref name="bytes"/> are free.</summary>
    public static long Require(string folder, long bytes, string what)
    {
        long free = AvailableBytes(folder);
        if (free < bytes)
            throw new BadInputException($"{folder}: not enough disk space for {what}: needs {Gb(bytes)} GB, {Gb(free)} GB free");
        return free;
    }

    /// <summary>Decimal gigabytes with two decimals, as disk sizes are quoted (HF's "5GB" shards).</summary>
    public static string Gb(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);
}
