using System.Collections;
using System.Runtime.ExceptionServices;
using LLM4EHR.Data.Pickle;

namespace LLM4EHR.Data;

/// <summary>
/// Loads p2x pickles (<c>{train,val,test}_p2x_data.pkl</c>) into validated, immutable <see cref="IcuStay"/> records.
/// Untrusted files are safe to open: no pickle global outside the NumPy allow-list is ever constructed or
/// called, and any defect is a one-line <see cref="BadInputException"/> naming file, record, stay and field.
/// </summary>
public static class P2xDataset
{
    /// <summary>Loads one split file from <paramref name="dataRoot"/>.</summary>
    public static IReadOnlyList<IcuStay> LoadSplit(string dataRoot, ClinicalTask task, P2xSplit split,
        IProgress<P2xLoadProgress>? progress = null) =>
        LoadFile(SplitPath(dataRoot, split), task, progress, split);

    /// <summary>Loads all three splits; fails before reading anything if one of the files is missing.</summary>
    public static P2xSplits LoadAll(string dataRoot, ClinicalTask task, IProgress<P2xLoadProgress>? progress = null)
    {
        foreach (var split in Enum.GetValues<P2xSplit>())
            RequireFile(SplitPath(dataRoot, split));
        return new P2xSplits(
            LoadSplit(dataRoot, task, P2xSplit.Train, progress),
            LoadSplit(dataRoot, task, P2xSplit.Val, progress),
            LoadSplit(dataRoot, task, P2xSplit.Test, progress));
    }

    /// <summary>Full path of a split file under a data root.</summary>
    public static string SplitPath(string dataRoot, P2xSplit split) => Path.Combine(dataRoot, P2xSchema.FileName(split));

    /// <summary>Loads any p2x pickle file; errors are prefixed with its file name.</summary>
    public static IReadOnlyList<IcuStay> LoadFile(string path, ClinicalTask task, IProgress<P2xLoadProgress>? progress = null,
        P2xSplit? split = null)
    {
        RequireFile(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long length = file.Length;
        if (length > Array.MaxLength)
            throw new BadInputException($"{Path.GetFileName(path)}: file too large ({length} bytes; at most {Array.MaxLength})");
        if (length == 0)
            return ParseCore(ReadOnlyMemory<byte>.Empty, Path.GetFileName(path), task, progress, split);
        // Mapped, not read: no copy of the whole file. Nothing loaded refers to it (array data, notes and float
        // lists are copied or decoded into the records before ParseCore returns), so it is unmapped at the end.
        using var mapped = MappedFileMemory.Open(file, (int)length);
        return ParseCore(mapped.Memory, Path.GetFileName(path), task, progress, split);
    }

    /// <summary>Parses pickle bytes already in memory; <paramref name="fileName"/> prefixes every error.</summary>
    public static IReadOnlyList<IcuStay> Parse(byte[] data, string fileName, ClinicalTask task,
        IProgress<P2xLoadProgress>? progress = null, P2xSplit? split = null) =>
        ParseCore(data, fileName, task, progress, split);

    private static IcuStay[] ParseCore(ReadOnlyMemory<byte> data, string fileName, ClinicalTask task,
        IProgress<P2xLoadProgress>? progress, P2xSplit? split)
    {
        using var burst = AllocationBurst.Begin(data.Length);
        object? root;
        try
        {
            root = SafeUnpickler.Load(data);
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{fileName}: {e.Message}", e);
        }
        if (root is not ArrayList records)
            throw new BadInputException($"{fileName}: expected a list of records at the top level, got {PickleTypeName.Of(root)}");

        return ReadRecords(records, new P2xRecordReader(fileName, task), count =>
            progress?.Report(new P2xLoadProgress(split, fileName, count, records.Count)));
    }

    /// <summary>Records per parallel work item; also the progress granularity.</summary>
    private const int ChunkSize = 256;

    /// <summary>
    /// Converts the records in parallel chunks (they are independent once the graph exists; converting is about
    /// a third of a load). Errors stay deterministic: the defect of the lowest record index is thrown, as a
    /// sequential read would. Progress counts only grow.
    /// </summary>
    private static IcuStay[] ReadRecords(ArrayList records, P2xRecordReader reader, Action<int> progress)
    {
        var stays = new IcuStay[records.Count];
        int chunks = (stays.Length + ChunkSize - 1) / ChunkSize;
        var errors = new BadInputException?[chunks];
        int done = 0, reported = 0;
        var gate = new object();
        try
        {
            Parallel.For(0, chunks, chunk => ReadChunk(chunk));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); // an internal error: surface it as itself
        }
        foreach (var error in errors)
            if (error is not null)
                throw error;
        return stays;

        void ReadChunk(int chunk)
        {
            int end = Math.Min(stays.Length, (chunk + 1) * ChunkSize);
            try
            {
                for (int i = chunk * ChunkSize; i < end; i++)
                {
                    stays[i] = reader.Read(records[i], i);
                    records[i] = null; // drop the raw graph as we go: halves peak memory on large files
                }
            }
            catch (BadInputException e)
            {
                errors[chunk] = e;
                return;
            }
            int count = Interlocked.Add(ref done, end - chunk * ChunkSize);
            lock (gate)
            {
                if (count > reported)
                {
                    reported = count;
                    progress(count);
                }
            }
        }
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new BadInputException($"{Path.GetFileName(path)}: split file not found at '{path}'");
    }
}
