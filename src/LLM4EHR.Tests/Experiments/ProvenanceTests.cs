using System.Text.Json.Nodes;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>run.json records how a run was made, and re-testing on different data says so.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class ProvenanceTests(ExperimentSandbox sandbox)
{
    [Fact]
    public void A_finished_run_records_code_data_model_tokenizer_seeds_and_machine()
    {
        string run = sandbox.Baseline.RunDir;
        var doc = RunProvenance.Read(run)!;

        Assert.Equal("finished", (string?)doc["status"]);
        Assert.Matches("^[0-9a-f]{12,40}$", (string?)doc["code"]!["commit"]);
        Assert.NotNull(doc["code"]!["dirty"]);
        Assert.True((bool)doc["synthetic_data"]!);
        foreach (var (split, count) in new[] { ("train", 120), ("val", 30), ("test", 30) })
        {
            var data = doc["data"]![split]!;
            string file = P2xDataset.SplitPath(sandbox.DataRoot, Enum.Parse<P2xSplit>(split, ignoreCase: true));
            Assert.Equal(RunProvenance.FileSha256(file), (string?)data["sha256"]);
            Assert.Equal(count, (int)data["records"]!);
        }
        Assert.Equal(ModelFingerprint.Of(sandbox.ModelPath), (string?)doc["model"]!["fingerprint"]);
        Assert.Equal(64, ((string?)doc["config_sha256"])!.Length);
        Assert.Equal(64, ((string?)doc["tokenizer"]!["sha256"])!.Length);
        Assert.Equal(42, (int)doc["seeds"]!["training"]!);
        Assert.Equal(CpuInfo.Current.Model, (string?)doc["environment"]!["cpu"]!["model"]);
        var session = Assert.Single(doc["sessions"]!.AsArray())!;
        Assert.True((double)session["wall_s"]! > 0);
        Assert.True((double)doc["wall_s"]! > 0);
    }

    [Fact]
    public void An_interrupted_then_resumed_run_records_both_sessions()
    {
        string run = sandbox.RunDir("provenance-resumed");
        using var kill = new CancellationTokenSource();
        var killAt = new InlineProgress<TrainingProgress>(p => { if (p.Phase == TrainingPhase.Train && p.Step == 3) kill.Cancel(); });
        sandbox.Runner(sandbox.Config("training.epochs=1", "lora.enabled=false"), killAt).Train(run, cancellationToken: kill.Token);
        Assert.Equal("interrupted", (string?)RunProvenance.Read(run)!["status"]);

        sandbox.Runner(sandbox.Config("training.epochs=1", "lora.enabled=false")).Train(run, resume: true);

        var doc = RunProvenance.Read(run)!;
        Assert.Equal("finished", (string?)doc["status"]);
        var sessions = doc["sessions"]!.AsArray();
        Assert.Equal([false, true], sessions.Select(s => (bool)s!["resume"]!));
    }

    [Fact]
    public void Testing_on_data_other_than_the_runs_warns()
    {
        // A copy of the baseline run: re-testing rewrites test/metrics.json, which other tests read.
        string run = sandbox.RunDir("retested");
        Support.FileHash.CopyTree(sandbox.Baseline.RunDir, run);
        string other = Path.Combine(sandbox.Root, "other-data");
        Directory.CreateDirectory(other);
        foreach (var split in Enum.GetValues<P2xSplit>())
            File.Copy(P2xDataset.SplitPath(sandbox.DataRoot, split), P2xDataset.SplitPath(other, split), overwrite: true);
        var stages = new List<ExperimentStage>();

        ExperimentRunner.Test(run, P2xSplit.Test, other, new InlineProgress<ExperimentStage>(stages.Add), 0, tokenCacheDirectory: sandbox.CacheDirectory);
        Assert.DoesNotContain(stages, s => s.Name == "warning");   // same bytes, other folder: comparable

        // A different test split (another synthetic cohort) is flagged.
        using (var file = File.Create(P2xDataset.SplitPath(other, P2xSplit.Test)))
            P2xWriter.Write(file, LLM4EHR.Data.Synthetic.SyntheticCohort.GenerateSplit(new(ClinicalTask.Ihm, 10, 10, 30, Seed: 99), P2xSplit.Test));
        ExperimentRunner.Test(run, P2xSplit.Test, other, new InlineProgress<ExperimentStage>(stages.Add), 0, tokenCacheDirectory: sandbox.CacheDirectory);
        Assert.Contains(stages, s => s.Name == "warning" && s.Detail.Contains("is not the test split this run recorded in run.json"));
    }

    [Fact]
    public void A_finished_run_has_a_model_card_with_its_numbers_and_no_note_text()
    {
        string run = sandbox.Baseline.RunDir;
        string card = File.ReadAllText(ModelCard.PathOf(run));

        Assert.Contains("# Model card: IHM", card);
        Assert.Contains("> **Synthetic data.**", card);
        foreach (var section in new[] { "## Task and data", "### Data audit", "## Preprocessing", "## Model", "## Training", "## Test results", "## Provenance", "## Limitations", "## TRIPOD-LLM items covered" })
            Assert.Contains(section, card);
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
        double auroc = metrics.RootElement.GetProperty("auroc").GetDouble();
        Assert.Contains($"| auroc | {auroc.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)} |", card);
        Assert.Contains("few_positives", card);                       // the audit's warning on the small validation split
        var notes = P2xDataset.LoadSplit(sandbox.DataRoot, ClinicalTask.Ihm, P2xSplit.Test).SelectMany(s => s.Notes).Take(50);
        Assert.All(notes, n => Assert.DoesNotContain(n.Text, card));

        var (code, stderr) = ExperimentCommandTests.Run("report", "--run", run);
        Assert.True(code == 0, stderr);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("<h1", html);
        Assert.Contains("window.Plotly.newPlot", html);
        Assert.Contains("(synthetic demo data)", html);
    }
}
