using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Leaderboard;
using LLM4EHR.Sweeps;
using LLM4EHR.Tests.Text;

namespace LLM4EHR.Tests.Leaderboard;

/// <summary>The leaderboard over run folders written directly (see <see cref="FakeRuns"/>): grouping, statistics, errors, files.</summary>
public sealed class LeaderboardTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeRuns _runs;
    private readonly PredictionSet _ihm = FakeRuns.Cohort(ClinicalTask.Ihm);

    public LeaderboardTests() => _runs = new FakeRuns(_folder.Path);

    // Two variants × two seeds: lora on (little noise) and off (much noise).
    private string[] TwoByTwo() =>
    [
        _runs.Write("on-1", _ihm, 0.3, 1, ["lora.enabled=true", "training.seed=1"], [(2.0, 100), (1.0, 400)]),
        _runs.Write("on-2", _ihm, 0.3, 2, ["lora.enabled=true", "training.seed=2"], [(1.0, 300)]),
        _runs.Write("off-1", _ihm, 2.0, 3, ["lora.enabled=false", "training.seed=1"]),
        _runs.Write("off-2", _ihm, 2.0, 4, ["lora.enabled=false", "training.seed=2"]),
    ];

    [Fact]
    public void Variants_are_named_by_the_keys_that_differ_and_summarised_over_their_seeds()
    {
        var dirs = TwoByTwo();
        var board = ModelLeaderboard.Build(dirs, new LeaderboardOptions { BootstrapResamples = 200 });

        Assert.Equal(["enabled=true", "enabled=false"], board.Groups.Select(g => g.Name));
        var on = board.Groups[0];
        Assert.True(on.IsReference);
        Assert.Equal([1, 2], on.Seeds);
        var aurocs = on.Runs.Select(r => BinaryMetrics.Auroc(r.Predictions.LabelColumn(0), r.Predictions.ProbabilityColumn(0))!.Value).ToArray();
        Assert.Equal(aurocs.Average(), on.Metrics[MetricKeys.Auroc].Mean, 12);
        Assert.Equal(Math.Abs(aurocs[0] - aurocs[1]) / Math.Sqrt(2), on.Metrics[MetricKeys.Auroc].Sd, 12);
        // Seed-averaged predictions: per stay the mean of the two runs' probabilities.
        Assert.Equal((on.Runs[0].Predictions.Probability(7, 0) + on.Runs[1].Predictions.Probability(7, 0)) / 2, on.AveragedPredictions.Probability(7, 0), 15);
        // Throughput: tokens over seconds of all steps (run 1: (200 + 400) / 3 s; run 2: 300 / 1 s); train time summed.
        Assert.Equal((200.0 + 300) / 2, on.TokensPerSecond.Mean, 9);
        Assert.Equal((3.0 + 1) / 2, on.TrainSeconds.Mean, 9);
        Assert.Null(on.Parameters); // the fake runs' model folder does not exist

        var off = board.Groups[1];
        var c = off.Comparison!;
        Assert.Equal(DeLong.CompareMacro(off.AveragedPredictions, on.AveragedPredictions), c.Auroc);
        Assert.True(c.Auroc.Difference < 0 && c.Auroc.P < 0.05, $"noisier variant: Δ {c.Auroc.Difference}, p {c.Auroc.P}");
        Assert.Equal(off.Averaged[MetricKeys.Auprc]!.Value - on.Averaged[MetricKeys.Auprc]!.Value, c[MetricKeys.Auprc].Difference, 12);
    }

    [Fact]
    public void Model_families_are_named_by_type_and_only_the_keys_that_differ_within_a_family()
    {
        // Encoders differ from the Llama in path, LoRA targets, note order, pooling, chunking: none of that names them.
        string[] encoder = ["lora.targets=[query, value]", "text.note_order=last"];
        var dirs = new[]
        {
            _runs.Write("llama-1", _ihm, 0.3, 1, ["training.seed=1"]),
            _runs.Write("llama-2", _ihm, 0.3, 2, ["training.seed=2"]),
            _runs.Write("belt", _ihm, 0.5, 3, ["model.type=belt", "model.path=/nonexistent/bert", .. encoder]),
            _runs.Write("lf-fast", _ihm, 0.6, 4, ["model.type=longformer", "model.path=/nonexistent/lf", "training.lr=0.001", .. encoder]),
            _runs.Write("lf-slow", _ihm, 0.7, 5, ["model.type=longformer", "model.path=/nonexistent/lf", "training.lr=0.0001", .. encoder]),
        };
        var board = ModelLeaderboard.Build(dirs, new LeaderboardOptions { BootstrapResamples = 50 });
        Assert.Equal(["type=llama", "type=belt", "type=longformer, lr=0.001", "type=longformer, lr=0.0001"], board.Groups.Select(g => g.Name));
        Assert.Equal([1, 2], board.Groups[0].Seeds);
        Assert.All(board.Groups.Skip(1), g => Assert.NotNull(g.Comparison)); // each compared with the Llama reference
    }

    [Fact]
    public void Runs_made_with_different_data_files_are_flagged()
    {
        var dirs = TwoByTwo();
        Assert.DoesNotContain(ModelLeaderboard.Build(dirs, new LeaderboardOptions { BootstrapResamples = 0 }).Notes, n => n.StartsWith("warning"));
        // run.json of two runs records one test file, of a third another (e.g. a re-split cohort).
        for (int i = 0; i < 3; i++)
            File.WriteAllText(Path.Combine(dirs[i], "run.json"), $"{{\"data\": {{\"test\": {{\"sha256\": \"{(i < 2 ? 'a' : 'b')}{new string('0', 63)}\"}}}}}}");

        var board = ModelLeaderboard.Build(dirs, new LeaderboardOptions { BootstrapResamples = 0 });

        var warning = Assert.Single(board.Notes, n => n.StartsWith("warning"));
        Assert.Equal("warning: ihm runs were made with different test data (sha256 a00000000000… in 2 runs, sha256 b00000000000… in 1 runs): not a like-for-like comparison", warning);
        Assert.Contains(warning, board.ToMarkdown());
    }

    [Fact]
    public void Reference_and_group_by_choose_what_is_compared()
    {
        var dirs = TwoByTwo();
        var board = ModelLeaderboard.Build(dirs, new LeaderboardOptions { Reference = "enabled=false", BootstrapResamples = 50 });
        Assert.Equal("enabled=false", board.Reference(ClinicalTask.Ihm).Name);
        Assert.Equal("enabled=false", board.Groups[0].Comparison!.Reference);

        var bySeed = ModelLeaderboard.Build(dirs, new LeaderboardOptions { GroupBy = ["training.seed"], BootstrapResamples = 50 });
        Assert.Equal(["seed=1", "seed=2"], bySeed.Groups.Select(g => g.Name));
        Assert.All(bySeed.Groups, g => Assert.Equal(2, g.Runs.Count));

        var unknown = Assert.Throws<BadInputException>(() => ModelLeaderboard.Build(dirs, new LeaderboardOptions { Reference = "lora" }));
        Assert.Contains("--reference lora: no such model variant (variants: enabled=true; enabled=false)", unknown.Message);
        var badKey = Assert.Throws<BadInputException>(() => ModelLeaderboard.Build(dirs, new LeaderboardOptions { GroupBy = ["training.sed"] }));
        Assert.Contains("--group-by training.sed: not a config key", badKey.Message);
    }

    [Fact]
    public void Runs_on_different_stays_cannot_be_compared()
    {
        var a = _runs.Write("a", _ihm, 0.5, 1, ["training.seed=1"]);
        var fewer = PredictionSet.FromProbabilities(ClinicalTask.Ihm, _ihm.Names.Skip(1).ToList(),
            _ihm.Labels[1..].ToArray().Select(l => (double)l).ToArray(), _ihm.Probabilities[1..]);
        var b = _runs.Write("b", fewer, 0.5, 2, ["training.seed=1", "lora.r=4"]);

        var e = Assert.Throws<BadInputException>(() => ModelLeaderboard.Build([a, b]));
        Assert.Contains(Path.Combine(b, "test", "predictions.csv"), e.Message);
        Assert.Contains(Path.Combine(a, "test", "predictions.csv"), e.Message);
        Assert.Contains($"1 missing, e.g. '{_ihm.Names[0]}'", e.Message);
    }

    [Fact]
    public void A_sweep_folder_contributes_its_done_runs_and_notes_the_others()
    {
        string sweep = Path.Combine(_folder.Path, "sweep");
        var done = _runs.Write(Path.Combine("sweep", "runs", "seed-1"), _ihm, 0.5, 1, ["training.seed=1"]);
        _runs.Write(Path.Combine("sweep", "runs", "seed-2"), _ihm, 0.5, 2, ["training.seed=2"]);
        SweepStore.Create(sweep, new SweepManifest
        {
            BaseConfig = "/x.yaml", BaseConfigSha256 = "0", BaseOverrides = [], WorkingDirectory = "/", Created = DateTimeOffset.UnixEpoch,
            Grid = [new SweepAxis("training.seed", ["1", "2"])],
            Runs =
            [
                new SweepRun { Index = 0, Name = "seed-1", Overrides = ["training.seed=1"], Status = SweepRunStatus.Done },
                new SweepRun { Index = 1, Name = "seed-2", Overrides = ["training.seed=2"], Status = SweepRunStatus.Failed, Error = "boom" },
            ],
        });

        var board = ModelLeaderboard.Build([sweep], new LeaderboardOptions { BootstrapResamples = 20 });
        var only = Assert.Single(board.Groups);
        Assert.Equal("sweep", only.Name); // one variant: named after its sweep
        Assert.Equal([done], only.Runs.Select(r => r.RunDir));
        Assert.Contains("1 of 2 runs not finished, left out (seed-2 failed)", Assert.Single(board.Notes));
        Assert.Contains("> Note: ", board.ToMarkdown());
    }

    [Fact]
    public void Pheno_files_carry_every_variant_the_per_label_tests_and_parse_back()
    {
        var pheno = FakeRuns.Cohort(ClinicalTask.Pheno, stays: 150);
        var dirs = new[]
        {
            _runs.Write("p1", pheno, 0.4, 1, ["lora.r=8"]),
            _runs.Write("p2", pheno, 1.5, 2, ["lora.r=16"]),
        };
        var board = ModelLeaderboard.Build(dirs, new LeaderboardOptions { BootstrapResamples = 100 });
        var files = board.WriteFiles(Path.Combine(_folder.Path, "board"));
        Assert.Equal(["board.md", "board.csv", "board.json"], files.Select(Path.GetFileName));

        string md = File.ReadAllText(files[0]);
        Assert.Contains("| r=8 (ref) | 1 |", md);
        Assert.Contains("| r=16 | 1 |", md);
        foreach (var name in PhenotypeNames.For(ClinicalTask.Pheno))
            Assert.Contains($"| {name} |", md);

        var csv = File.ReadAllLines(files[1]);
        Assert.Equal(3, csv.Length);
        var header = csv[0].Split(',');
        var second = LLM4EHR.Evaluation.CsvFields.Split(csv[2])!;
        Assert.Equal(header.Length, second.Count);
        Assert.Equal(board.Groups[1].Comparison!.Auroc.P, double.Parse(second[Array.IndexOf(header, "delong_p")], System.Globalization.CultureInfo.InvariantCulture));

        using var json = JsonDocument.Parse(File.ReadAllText(files[2]));
        var groups = json.RootElement.GetProperty("groups");
        Assert.Equal(2, groups.GetArrayLength());
        Assert.Equal(25, groups[1].GetProperty("comparison").GetProperty("delong_per_label").GetArrayLength());
        Assert.Equal(board.Groups[1].Comparison!.Auroc.VarianceA,
            groups[1].GetProperty("comparison").GetProperty("delong").GetProperty("variance").GetDouble());
    }

    [Fact]
    public void A_log_without_step_seconds_gives_the_mean_rate_and_no_time()
    {
        string dir = _runs.Write("old-log", _ihm, 0.5, 1, []);
        File.WriteAllLines(LLM4EHR.Training.RunLayout.Log(dir),
        [
            """{"type":"step","step":1,"epoch":1,"loss":0.5,"lr":0.001,"tokens_per_s":100,"grad_norm":1}""",
            """{"type":"step","step":2,"epoch":1,"loss":0.5,"lr":0.001,"tokens_per_s":300,"grad_norm":1}""",
        ]);
        var speed = RunThroughput.Read(dir);
        Assert.Equal(200, speed.TokensPerSecond);
        Assert.True(double.IsNaN(speed.TrainSeconds));
        Assert.Contains("| n/a |", ModelLeaderboard.Build([dir], new LeaderboardOptions { BootstrapResamples = 10 }).ToMarkdown());
    }

    public void Dispose() => _folder.Dispose();
}
