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
        EmbedTokens = nn.Embedding(c.VocabSize, c.HiddenSize, device: device, dtype: dtype);
        Layers = new ModuleList<LlamaDecoderLayer>(
            Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(c, device, dtype)).ToArray());
        Norm = new LlamaRMSNorm(c.HiddenSize, c.RmsNormEps, device, dtype);
        RegisterComponents();
    }
}
