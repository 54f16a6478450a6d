using LLM4EHR.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models;

/// <summary>
/// The cheap text baseline: a token embedding, mean-pooled over the real tokens, then a linear head
/// (fastText-style). Trains in seconds on CPU, so it exercises the trainer for real in tests and gives
/// researchers a floor to compare the LLM against. With <c>trainEmbeddings: false</c> the embedding stays
/// frozen (random features) and only the head trains.
/// </summary>
public sealed class BagOfEmbeddingsClassifier : Module<StayBatch, Tensor>, ISequenceClassifier
{
    private readonly Embedding embed_tokens;
    private readonly Dropout dropout;
    private readonly Linear score;

    /// <summary>Weights come from torch's global generator: call <c>torch.manual_seed</c> first for reproducible init.</summary>
    public BagOfEmbeddingsClassifier(int vocabSize, int dim, int labelCount, double dropoutRate = 0.0, bool trainEmbeddings = true)
        : base(nameof(BagOfEmbeddingsClassifier))
    {
        LabelCount = labelCount;
        embed_tokens = Embedding(vocabSize, dim);
        dropout = Dropout(dropoutRate);
        score = Linear(dim, labelCount);
        RegisterComponents();
        embed_tokens.weight!.requires_grad = trainEmbeddings;
    }

    public int LabelCount { get; }

    public override Tensor forward(StayBatch batch)
    {
        using var scope = NewDisposeScope();
        var mask = batch.AttentionMask.unsqueeze(-1).to(ScalarType.Float32);      // [B, T, 1]
        var x = embed_tokens.forward(batch.InputIds) * mask;                       // [B, T, D]
        var pooled = x.sum(1) / mask.sum(1).clamp_min(1.0);                        // [B, D]
        return score.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();   // [B, K]
    }

    public Tensor Logits(StayBatch batch) => forward(batch);

    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).ToList();

    public bool IsHeadParameter(string name) => name.StartsWith("score.", StringComparison.Ordinal);

    public void SetTrainingMode(bool training) => train(training);
}
