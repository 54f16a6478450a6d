using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Runtime;

/// <summary>
/// The device and compute dtype a run uses, chosen at run time from <c>auto|cpu|cuda</c>.
/// CPU computes in float32 (bfloat16 matmul is ~150× slower on CPU); CUDA computes in bfloat16.
/// </summary>
public sealed record ComputeDevice(Device Device, ScalarType Dtype)
{
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>Resolves a device request. <c>cuda</c> without a CUDA build or GPU is an error, <c>auto</c> falls back to CPU.</summary>
    public static ComputeDevice Resolve(string request)
    {
        switch (request.Trim().ToLowerInvariant())
        {
            case "cpu":
                return Cpu;
            case "cuda":
                if (!cuda.is_available())
                    throw new BadInputException("device: cuda requested but CUDA is not available (build with -p:TorchCuda=true on a machine with a GPU)");
                return new ComputeDevice(CUDA, ScalarType.BFloat16);
            case "auto":
                return cuda.is_available() ? new ComputeDevice(CUDA, ScalarType.BFloat16) : Cpu;
            default:
                throw new BadInputException($"device: unknown device '{request}' (expected auto, cpu or cuda)");
        }
    }

    public static ComputeDevice Cpu { get; } = new(CPU, ScalarType.Float32);

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()} ({Dtype})";
}
