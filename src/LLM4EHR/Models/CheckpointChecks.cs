using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// The checks every checkpoint loader makes (Llama, the clinical encoders), with one wording: each error names the
/// file and tensor, or the folder and the keys that do not match.
/// </summary>
internal static class CheckpointChecks
{
    /// <summary>Weights must be stored as F32, F16 or BF16 (no integer or quantized tensors in a base checkpoint).</summary>
    public static void RequireFloat(string source, string key, SafeTensorInfo info)
    {
        if (info.Dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new BadInputException($"{source}: '{key}' has dtype {info.DtypeName}; expected F32, F16 or BF16");
    }

    /// <summary>Refuses NaN/Inf (<c>model.check_weights</c>); disposes <paramref name="value"/> before throwing.</summary>
    public static void RequireFinite(string source, string key, Tensor value)
    {
        bool finite;
        using (NewDisposeScope())
            finite = value.isfinite().all().item<bool>();
        if (finite)
            return;
        value.Dispose();
        throw new BadInputException($"{source}: tensor '{key}' holds NaN or infinite values (set model.check_weights: false to load it anyway)");
    }

    /// <summary>The checkpoint's keys must be the model's: names the missing and unexpected ones (the first 8 of each).</summary>
    public static void RequireSameKeys(string folder, List<string> missing, List<string> unexpected)
    {
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new BadInputException($"{folder}: checkpoint does not match config.json (missing: [{Names(missing)}], unexpected: [{Names(unexpected)}])");
    }

    // Keeps the one-line error readable when a whole family of keys is off (e.g. a different architecture).
    private static string Names(List<string> keys) =>
        keys.Count <= 8 ? string.Join(", ", keys) : string.Join(", ", keys.Take(8)) + $", … {keys.Count - 8} more";
}
