using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// The parameter container HF calls <c>model</c>: embeddings, decoder layers, final norm. It exists so parameter
/// names come out as HF keys (<c>model.layers.0.self_attn.q_proj.weight</c>); <see cref="LlamaModel"/> runs it.
/// </summary>
public sealed class LlamaBackbone : nn.Module
{
    [ComponentName(Name = "embed_tokens")] internal readonly Embedding EmbedTokens;
    [ComponentName(Name = "layers")] internal readonly ModuleList<LlamaDecoderLayer> Layers;
    [ComponentName(Name = "norm")] internal readonly LlamaRMSNorm Norm;

    public LlamaBackbone(LlamaConfig c, Device device, ScalarType dtype) : base("LlamaBackbone")
    {
        // TorchSharp's Embedding constructor fills a full-size CPU weight whatever the device asked for, and that memory
        // stays resident (2 GB for Llama-3's 128256 × 4096 in f32, measured): build it with one row, then give it a
        // weight of the real shape on the requested (meta) device, which the loader replaces.
        EmbedTokens = nn.Embedding(1, c.HiddenSize, device: device, dtype: dtype);
        EmbedTokens.weight = new Parameter(empty(c.VocabSize, c.HiddenSize, dtype: dtype, device: device));
        Layers = new ModuleList<LlamaDecoderLayer>(
            Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(c, device, dtype)).ToArray());
        Norm = new LlamaRMSNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        RegisterComponents();
    }
}
