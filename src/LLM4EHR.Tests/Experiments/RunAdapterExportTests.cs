using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Lora;
using LLM4EHR.SafeTensors;
using LLM4EHR.Tests.Text;
using LLM4EHR.Text;
using LLM4EHR.Training;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Experiments;

/// <summary>A run's adapters leave in peft's format and, put back on a fresh base, reproduce the run's predictions.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class RunAdapterExportTests(ExperimentSandbox sandbox)
{
    [Fact]
    public void Exported_adapters_and_head_on_a_fresh_base_reproduce_the_test_predictions()
    {
        var run = sandbox.Baseline;
        using var outDir = new TempFolder();

        var modules = RunAdapterExport.Export(run.RunDir, outDir.Path);

        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
            "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"], modules);
        using var adapter = PeftAdapterFormat.Import(outDir.Path);
        Assert.Equal(4, adapter.Settings.R);
        Assert.Equal(16, adapter.Settings.Alpha);
        using (var best = SafeTensorsFile.Open(RunLayout.BestWeights(run.RunDir)))
            foreach (var (module, (a, b)) in adapter.Weights)
            {
                Assert.Equal(best.RawBytes($"lora.{module}.lora_A.weight").ToArray(), a.bytes.ToArray());
                Assert.Equal(best.RawBytes($"lora.{module}.lora_B.weight").ToArray(), b.bytes.ToArray());
            }

        // Rebuild as a peft user would: base model + adapters + head, then score the test split.
        var config = sandbox.Config();
        using var model = ClassifierFactory.Build(config, ClassifierFactory.ResolveCompute(config.Model));
        adapter.CopyInto(model.Adapters!);
        using (var head = SafeTensorsFile.Open(Path.Combine(outDir.Path, RunAdapterExport.HeadFile)))
        using (no_grad())
        {
            using var w = head.Load("weight");
            using var bias = head.Load("bias");
            model.Head.Weight.copy_(w);
            model.Head.Bias.copy_(bias);
        }
        var expected = PredictionCsv.Read(Path.Combine(run.RunDir, "test", "predictions.csv"));
        var tokenizer = Llama3Tokenizer.FromModelFolder(config.Model.Path);
        var stays = sandbox.Runner(config).Prepare().Test;
        var predictions = Predictor.Predict(model, stays, TokenCollator.For(tokenizer).Collate, batchSize: 16);

        Assert.Equal(expected.Names, predictions.Names);
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected.Probability(i, 0), predictions.Probabilities[i][0], 6);
    }

    [Fact]
    public void A_head_only_run_has_no_adapters_to_export()
    {
        var config = sandbox.Config("lora.enabled=false", "training.epochs=1");
        var run = sandbox.Runner(config).Train(sandbox.RunDir("export-head-only"));
        using var outDir = new TempFolder();

        var e = Assert.Throws<BadInputException>(() => RunAdapterExport.Export(run.RunDir, outDir.Path));

        Assert.Contains("lora.enabled is false", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(outDir.Path));
    }
}
