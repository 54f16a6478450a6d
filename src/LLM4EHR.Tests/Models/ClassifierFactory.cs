using LLM4EHR.Models;
using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Quantization;

namespace LLM4EHR.Tests.Models;

/// <summary>Builds the classifier composition over a <see cref="TinyHostModel"/>, optionally NF4-quantized.</summary>
internal static class ClassifierFactory
{
    public static (PooledClassifier Classifier, TinyHostModel Backbone) Build(
        LoraSettings? lora, bool nf4, int labels = 3, long headSeed = 1)
    {
        var model = new TinyHostModel();
        if (nf4)
            Nf4LinearFactory.QuantizeInPlace(model, new Nf4Options());
        var head = new PooledClassifierHead(model.Hidden, labels, headSeed);
        return (new PooledClassifier(model, head, lora), model);
    }
}
