using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// Random encoder weights initialised as HF's <c>_init_weights</c> does for BERT-style models (<c>initializer_range</c>
/// 0.02): normal(0, 0.02) for linears and embeddings with the padding row of the word (and Longformer's position)
/// embedding zeroed, zero biases, LayerNorm weight 1 and bias 0. Drawn in parameter order from one seeded generator.
/// </summary>
public static class EncoderRandomWeights
{
    public const double InitializerRange = 0.02;

    /// <summary>Overwrites every parameter of <paramref name="model"/> in place; the same seed gives the same weights.</summary>
    public static void Initialize(EncoderModel model, long seed)
    {
        using var gen = new Generator((ulong)seed);
        int pad = model.Config.PadTokenId;
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            bool norm = name.Contains("LayerNorm.", StringComparison.Ordinal);
            if (name.EndsWith(".bias", StringComparison.Ordinal))
                p.zero_();
            else if (norm)
                p.fill_(1.0);
            else
            {
                p.copy_(normal(0.0, InitializerRange, p.shape, generator: gen));
                bool paddedTable = name == "embeddings.word_embeddings.weight"
                                   || (name == "embeddings.position_embeddings.weight" && model.Config.Family == EncoderFamily.Longformer);
                if (paddedTable && pad < p.shape[0])
                    p[pad].zero_();
            }
        }
    }

    /// <summary>A random model (CPU float32), frozen like a loaded one.</summary>
    public static EncoderModel Create(EncoderConfig config, long seed, bool withPooler = true)
    {
        var model = EncoderLoader.Create(config, ScalarType.Float32, withPooler);
        Initialize(model, seed);
        model.SetRequiresGrad(false);
        model.eval();
        return model;
    }
}
