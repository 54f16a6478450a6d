#:project ../src/LLM4EHR/LLM4EHR.csproj
// File-based apps default to Native AOT, which turns off reflection-based JSON; TorchSharp needs a normal runtime anyway.
#:property PublishAot=false
// The library without notebooks: a .NET 10 file-based app. From the repository root:
//     dotnet run examples/train.cs
// Trains the IHM demo (synthetic cohort + tiny Llama, created on first use) into runs/example-train-demo and prints the test AUROC.
// Relative paths in the config resolve against the current directory, so run it from the repository root.
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using LLM4EHR.Training;

OpenMpWaitPolicy.PreferPassive(); // before libtorch loads: idle OpenMP threads sleep instead of spinning

// Its own run folder, so it never replaces the run the README's CLI command writes (runs/demo-ihm).
var config = ExperimentConfigLoader.Load("config/demo-ihm.yaml", ["output.run_dir=runs/example-train-demo", .. args]); // args: dotted overrides, e.g. training.epochs=1
var runner = new ExperimentRunner(config)
{
    Stages = new SyncProgress<ExperimentStage>(stage => Console.WriteLine($"{stage.Name}: {stage.Detail}")),
    TrainingProgress = new SyncProgress<TrainingProgress>(p =>
    {
        if (p.Phase == TrainingPhase.Eval)
            Console.WriteLine($"epoch {p.Epoch}/{p.Epochs}: train loss {p.Loss:F4}, val auroc {p.ValMetrics!["auroc"]:F4}");
    }),
};
var result = runner.Train();
Console.WriteLine($"test AUROC {result.Test!["auroc"]:F4} ({result.Test.Count} stays; run folder {result.RunDir})");

// Reports arrive synchronously on the training thread (System.Progress<T> would post them to the thread pool).
sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
