using LLM4EHR.IO;

namespace LLM4EHR.Sweeps;

/// <summary>
/// Reads and updates a sweep's manifest. Writers (this process's runs, parallel workers, Slurm array tasks) take an
/// exclusive lock on <c>.sweep.lock</c> (.NET's FileShare.None, an flock on Linux, honoured across processes and by
/// NFSv4) around read → change → atomic write, so no update is lost; readers need no lock, the rename is atomic.
/// </summary>
public static class SweepStore
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);

    public static SweepManifest Read(string sweepDir)
    {
        string path = SweepLayout.Manifest(sweepDir);
        if (!File.Exists(path))
            throw new BadInputException(Directory.Exists(sweepDir)
                ? $"{sweepDir}: not a sweep folder (no sweep.json)"
                : $"{sweepDir}: sweep folder not found");
        return SweepManifestJson.Deserialize(File.ReadAllText(path), path);
    }

    /// <summary>Writes a new manifest (creating the folder).</summary>
    public static void Create(string sweepDir, SweepManifest manifest)
    {
        Directory.CreateDirectory(sweepDir);
        using var _ = Lock(sweepDir);
        AtomicFile.WriteAllText(SweepLayout.Manifest(sweepDir), SweepManifestJson.Serialize(manifest));
    }

    /// <summary>Applies <paramref name="change"/> to the current manifest under the lock; returns what was written.</summary>
    public static SweepManifest Update(string sweepDir, Func<SweepManifest, SweepManifest> change)
    {
        using var _ = Lock(sweepDir);
        var updated = change(Read(sweepDir));
        AtomicFile.WriteAllText(SweepLayout.Manifest(sweepDir), SweepManifestJson.Serialize(updated));
        return updated;
    }

    private static FileStream Lock(string sweepDir)
    {
        string path = SweepLayout.Lock(sweepDir);
        var deadline = DateTime.UtcNow + LockTimeout;
        for (int wait = 5; ; wait = Math.Min(wait * 2, 200))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(wait); // another worker is updating the manifest: a few milliseconds
            }
        }
    }
}
