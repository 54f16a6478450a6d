using LLM4EHR.SafeTensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// Saves and restores only what was trained (adapters + head), never the frozen base: a run folder stays
/// megabytes, not gigabytes.
/// </summary>
public static class TrainedWeights
{
    public static void Save(ISequenceClassifier model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path,
            model.TrainableParameters().Select(p => KeyValuePair.Create(p.Name, (Tensor)p.Parameter)), metadata);

    /// <summary>Copies saved values into the model's trainable parameters; names and shapes must match exactly.</summary>
    public static void Load(ISequenceClassifier model, string path)
    {
        using var file = SafeTensorsFile.Open(path);
        string name = Path.GetFileName(path);
        var expected = model.TrainableParameters();
        var missing = expected.Select(p => p.Name).Where(n => !file.Tensors.ContainsKey(n)).ToList();
        var unexpected = file.Tensors.Keys.Except(expected.Select(p => p.Name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new BadInputException($"{name}: trained weights do not match the model (missing: [{string.Join(", ", missing)}], unexpected: [{string.Join(", ", unexpected)}])");
        using var noGrad = no_grad();
        foreach (var (pname, param) in expected)
        {
            using var saved = file.Load(pname, param.dtype);
            if (!saved.shape.SequenceEqual(param.shape))
                throw new BadInputException($"{name}: '{pname}' has shape [{string.Join(',', saved.shape)}], model expects [{string.Join(',', param.shape)}]");
            param.copy_(saved);
        }
    }
}
