namespace LLM4EHR.Data;

/// <summary>Progress of loading one file: <paramref name="Done"/> of <paramref name="Total"/> records validated.</summary>
public readonly record struct P2xLoadProgress(P2xSplit? Split, string File, int Done, int Total);
