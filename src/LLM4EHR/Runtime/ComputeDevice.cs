using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Runtime;

/// <summary>
/// The device and compute dtype a run uses, chosen at run time from <c>auto|cpu|cuda</c>.
/// Resolve gives CPU float32 and CUDA bfloat16; <c>model.dtype: auto</c> then picks bfloat16 on CPUs with native bf16
/// (<see cref="CpuComputeDtype"/>). <see cref="Reason"/> says why this dtype (printed and kept in run.json).
/// </summary>
public sealed record ComputeDevice(Device Device, ScalarType Dtype)
{
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>Why <see cref="Dtype"/> was chosen, e.g. "auto: CPU has avx512_bf16" or "model.dtype: float32".</summary>
    public string Reason { get; init; } = "";

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
                return CudaBf16;
            case "auto":
                return cuda.is_available() ? CudaBf16 : Cpu;
            default:
                throw new BadInputException($"device: unknown device '{request}' (expected auto, cpu or cuda)");
        }
    }

    public static ComputeDevice Cpu { get; } = new(CPU, ScalarType.Float32) { Reason = "cpu default" };

    private static ComputeDevice CudaBf16 => new(CUDA, ScalarType.BFloat16) { Reason = "cuda default" };

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()} ({Dtype})";
}
