namespace LLM4EHR.Benchmarks;

/// <summary>Settings of <c>bench tokenize</c> (<see cref="TokenizeBenchmark"/>); Threads 0 = all cores.</summary>
public sealed record TokenizeBenchOptions(int Stays = 4000, int Threads = 0, int Runs = 3, int Seed = 1);
