using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Runtime;

/// <summary>Facts about the loaded tensor backend, for `llm4ehr env` and run logs.</summary>
public static class TorchEnvironment
{
    public static IReadOnlyList<(string Key, string Value)> Describe(string deviceRequest)
    {
        var device = ComputeDevice.Resolve(deviceRequest);
        var cpuAuto = CpuComputeDtype.Choose();
        return
        [
            ("torchsharp", typeof(torch).Assembly.GetName().Version?.ToString() ?? "?"),
            ("libtorch", torch.__version__),
            ("threads", torch.get_num_threads().ToString()),
            ("cuda available", torch.cuda.is_available().ToString()),
            ("device", device.ToString()),
            ("cpu auto dtype", cpuAuto.Dtype == ScalarType.BFloat16
                ? $"{cpuAuto.Dtype} ({cpuAuto.Reason}; Float32 for models of hidden size < {CpuComputeDtype.MinBf16HiddenSize})"
                : $"{cpuAuto.Dtype} ({cpuAuto.Reason})"),
            ("mkl path", MklIntelPath.Apply()),
            ("gc", ManagedHeapSettings.Describe()),
        ];
    }
}
