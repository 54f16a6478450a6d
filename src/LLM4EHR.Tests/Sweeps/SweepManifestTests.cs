using LLM4EHR.Sweeps;
using LLM4EHR.Tests.Text;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>sweep.json round-trips, rejects what is not a manifest, survives concurrent updates, and recognises dead owners.</summary>
public sealed class SweepManifestTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static SweepManifest Manifest(params SweepRun[] runs) => new()
    {
        BaseConfig = "/configs/base.yaml", BaseConfigSha256 = "ab", BaseOverrides = ["training.epochs=1"], WorkingDirectory = "/work",
        Grid = [new SweepAxis("training.seed", ["1", "2"])], Created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Runs = runs.Length > 0 ? runs : [new SweepRun { Index = 0, Name = "seed-1", Overrides = ["training.seed=1"] }],
    };

    [Fact]
    public void The_manifest_round_trips_through_json()
    {
        var manifest = Manifest() with { Slurm = new SweepSlurmJob("42", "/s/sweep.sbatch", DateTimeOffset.UnixEpoch) };
        string json = SweepManifestJson.Serialize(manifest);
        Assert.Contains("\"status\": \"pending\"", json);
        Assert.Contains("\"base_config_sha256\": \"ab\"", json);
        Assert.Equal(json, SweepManifestJson.Serialize(SweepManifestJson.Deserialize(json, "sweep.json")));
    }

    [Theory]
    [InlineData("{", "sweep.json: not a sweep manifest")]
    [InlineData("""{"format": "other"}""", "sweep.json: not a sweep manifest")]
    public void What_is_not_a_manifest_is_bad_input_naming_the_file(string json, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => SweepManifestJson.Deserialize(json, "sweep.json"));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Concurrent_updates_are_not_lost()
    {
        string dir = _folder.File("sweep");
        SweepStore.Create(dir, Manifest());
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            _ => SweepStore.Update(dir, m => m.WithRun(0, r => r with { Attempts = r.Attempts + 1 })));
        Assert.Equal(40, SweepStore.Read(dir).Runs[0].Attempts);
    }

    [Fact]
    public void Reading_a_folder_without_a_manifest_says_so()
    {
        var e = Assert.Throws<BadInputException>(() => SweepStore.Read(_folder.Path));
        Assert.Equal($"{_folder.Path}: not a sweep folder (no sweep.json)", e.Message);
    }

    [Fact]
    public void Only_an_exited_process_of_this_host_is_a_stale_owner()
    {
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        Assert.True(SweepOwner.IsStale($"{Environment.MachineName}:{exited.Id}"));
        Assert.False(SweepOwner.IsStale(SweepOwner.Current));
        Assert.False(SweepOwner.IsStale($"another-host-{Guid.NewGuid():N}:1"));
    }

    public void Dispose() => _folder.Dispose();
}
