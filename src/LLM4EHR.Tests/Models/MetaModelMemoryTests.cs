using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;

namespace LLM4EHR.Tests.Models;

[Collection(ProcessMemoryCollection.Name)]
public class MetaModelMemoryTests
{
    [Fact]
    public void Building_an_empty_model_allocates_no_weights_not_even_a_large_embedding()
    {
        // Llama-3's vocabulary at hidden 1024: a 513 MB f32 embedding if anything materialised it.
        var config = new TinyLlamaOptions { Hidden = 1024, Layers = 2, Heads = 8, KvHeads = 2, VocabSize = 128_256 }.ToConfig();
        using (var warm = new LlamaModel(config with { VocabSize = 8 }, ComputeDevice.Cpu)) { } // TorchSharp loaded
        GC.Collect();
        GlibcMalloc.Trim();
        double before = ProcessMemory.CurrentRssMb() ?? double.NaN;

        using var model = new LlamaModel(config, ComputeDevice.Cpu);

        GlibcMalloc.Trim();
        double grown = (ProcessMemory.CurrentRssMb() ?? double.NaN) - before;
        Assert.Equal([128_256L, 1024], model.named_parameters().Single(p => p.name == "model.embed_tokens.weight").parameter.shape);
        if (OperatingSystem.IsLinux())
            Assert.True(grown < 64, $"constructing the meta model grew RSS by {grown:F0} MiB");
    }
}
