#:project ../src/LLM4EHR/LLM4EHR.csproj
#:property PublishAot=false
// What notebooks/03-evaluate.dib does, as a .NET 10 file-based app: score a run's test predictions with bootstrap
// intervals and calibration, and write its model card (report.md). From the repository root:
//     dotnet run examples/evaluate.cs                     # runs/example-train-demo (trained first, 1 epoch, if missing)
//     dotnet run examples/evaluate.cs -- runs/demo-ihm    # any run folder
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.IO;
using LLM4EHR.Training;

LLM4EHR.Runtime.OpenMpWaitPolicy.PreferPassive(); // before libtorch loads (only if it has to train)

string run = args.Length > 0 ? args[0] : "runs/example-train-demo";
string predictions = Path.Combine(run, "test", "predictions.csv");
if (!File.Exists(predictions) && args.Length == 0)
{
    Console.WriteLine($"{run} has no test predictions: training the IHM demo there for one epoch");
    new ExperimentRunner(ExperimentConfigLoader.Load("config/demo-ihm.yaml", [$"output.run_dir={run}", "training.epochs=1"])).Train();
}

var config = ExperimentConfigLoader.Load(RunLayout.Config(run));
var report = Evaluator.Evaluate(PredictionCsv.Read(predictions, config.Task), new EvaluationOptions
{
    BootstrapResamples = 1000,
    SyntheticData = GeneratedFolder.IsSyntheticCohort(config.Data.Root),
});
Console.WriteLine($"{config.Task.Id()}: {report.Count} test stays{(report.SyntheticData ? " (synthetic demo data)" : "")}");
foreach (var (key, value) in report.Metrics)
{
    string ci = report.Intervals.TryGetValue(key, out var c) ? $"  95% CI [{c.Lower:F4}, {c.Upper:F4}]" : "";
    Console.WriteLine($"  {key,-12} {value:F4}{ci}");
}
Console.WriteLine($"  brier        {report.Calibration.Brier:F4}\n  ece          {report.Calibration.Ece:F4} ({report.Calibration.Bins} bins)");
foreach (var label in report.PerLabel.Where(_ => report.PerLabel.Count > 1))
    Console.WriteLine($"  {label.Index,2} {label.Name,-45} AUROC {label.Auroc:F4}  AUPRC {label.Auprc:F4}");

ModelCard.Write(run);
Console.WriteLine($"model card: {ModelCard.PathOf(run)}");
