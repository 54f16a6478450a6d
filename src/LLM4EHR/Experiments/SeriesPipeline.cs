using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Data.Series;
using LLM4EHR.Models;
using LLM4EHR.Text;
using LLM4EHR.Training;
using static TorchSharp.torch;

namespace LLM4EHR.Experiments;

/// <summary>
/// The time-series side of an experiment, kept apart from the text pipeline: which inputs a model reads, the
/// train-only standardizer (fitted and saved into the run folder when a run starts, read back on resume and by
/// <c>test</c>), each stay's input matrix by name, and a collator that adds them to a batch as
/// <see cref="StayBatch.Series"/>. Models that read no notes get stays without tokens (no tokenizer, no model folder).
/// Stays without notes: series models use every stay; note and fusion models follow <c>text.empty_notes</c>.
/// </summary>
public sealed class SeriesPipeline
{
    private readonly Dictionary<string, float[]> _inputs;

    private SeriesPipeline(ColumnStandardizer standardizer, Dictionary<string, float[]> inputs, int steps, int width)
    {
        Standardizer = standardizer;
        _inputs = inputs;
        Steps = steps;
        Width = width;
    }

    public ColumnStandardizer Standardizer { get; }
    /// <summary>S: hours of <c>reg_ts</c>, or 1 for hand features.</summary>
    public int Steps { get; }
    /// <summary>C: 34 sequence inputs, or 714 hand features.</summary>
    public int Width { get; }

    /// <summary>Whether the experiment's model reads the series.</summary>
    public static bool Applies(ExperimentConfig config) => config.Model.Type.ReadsSeries();

    /// <summary>Whether the experiment runs a tokenizer over notes (a note model without an embedding cache).</summary>
    public static bool NeedsTokens(ExperimentConfig config) => config.Model.Type.ReadsNotes() && config.Embeddings.Cache is null;

    /// <summary>Whether a Llama model folder is loaded (fingerprinted, checked): note models without a cache.</summary>
    public static bool NeedsModelFolder(ExperimentConfig config) => NeedsTokens(config);

    /// <summary>
    /// Builds the inputs of every stay of <paramref name="splits"/>. <paramref name="standardizerPath"/>: with
    /// <paramref name="fit"/> the train split's statistics are fitted and written there; otherwise they are read from it.
    /// </summary>
    public static SeriesPipeline Build(ExperimentConfig config, P2xSplits splits, string standardizerPath, bool fit)
    {
        bool features = config.Model.Type == ModelType.Logreg;
        string kind = features ? "hand_features" : RegularSeriesInputs.Kind;
        var columns = features ? HandFeatures.Names : SeriesChannels.Names;
        var all = splits.Train.Concat(splits.Val).Concat(splits.Test).ToList();
        Dictionary<string, double[]>? raw = features ? all.ToDictionary(s => s.Name, HandFeatures.Extract, StringComparer.Ordinal) : null;
        ColumnStandardizer standardizer;
        if (fit)
        {
            standardizer = features
                ? ColumnStandardizer.Fit(kind, columns, splits.Train.Select(s => raw![s.Name]))
                : RegularSeriesInputs.Fit(splits.Train);
            standardizer.Save(standardizerPath);
        }
        else
            standardizer = ColumnStandardizer.Load(standardizerPath, kind, columns);

        var inputs = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var stay in all)
        {
            float[] x = features
                ? [.. raw![stay.Name].Select((v, j) => (float)standardizer.Scale(j, v))]
                : RegularSeriesInputs.Build(stay, standardizer);
            if (!inputs.TryAdd(stay.Name, x))
                throw new BadInputException($"{config.Data.Root}: name: stay {stay.Name} appears more than once across the splits (series are looked up by name)");
        }
        int steps = features ? 1 : config.Task.HorizonHours();
        return new SeriesPipeline(standardizer, inputs, steps, features ? HandFeatures.Count : RegularSeriesInputs.Width);
    }

    /// <summary>Stays as the trainer takes them, without tokens: name and labels (for models that read no notes).</summary>
    public static IReadOnlyList<TokenizedStay> WithoutTokens(IReadOnlyList<IcuStay> stays) =>
        [.. stays.Select(s => new TokenizedStay(s.Name, [], [.. s.Labels.Select(l => (float)l)]))];

    /// <summary>What the summaries of token-free splits say: every stay kept, no tokens.</summary>
    public static TokenizationSummary Summary(IReadOnlyList<IcuStay> stays) => new()
    {
        Stays = stays.Count,
        KeptStays = stays.Count,
        StaysWithoutNotes = stays.Count(s => s.Notes.Length == 0),
        Notes = stays.Sum(s => (long)s.Notes.Length),
    };

    /// <summary>Wraps a token collator (or, for series-only models, an empty token block) and adds Series [B, S, C].</summary>
    public Func<IReadOnlyList<TokenizedStay>, StayBatch> Collate(Func<IReadOnlyList<TokenizedStay>, StayBatch>? tokens) => stays =>
    {
        var batch = tokens?.Invoke(stays) ?? EmptyTokens(stays);
        int b = stays.Count;
        var flat = new float[b * Steps * Width];
        for (int i = 0; i < b; i++)
        {
            if (!_inputs.TryGetValue(stays[i].Name, out var x))
                throw new InvalidOperationException($"{stays[i].Name}: no series inputs for this stay");
            x.CopyTo(flat, i * Steps * Width);
        }
        var series = tensor(flat, [b, Steps, Width]);                       // [B, S, C]
        return new StayBatch(batch.InputIds, batch.AttentionMask, batch.PositionIds, batch.Labels, batch.Names, series);
    };

    /// <summary>A batch with a [B, 0] token block: names and labels only.</summary>
    public static StayBatch EmptyTokens(IReadOnlyList<TokenizedStay> stays)
    {
        int b = stays.Count, k = stays[0].Labels.Length;
        var labels = new float[b * k];
        for (int i = 0; i < b; i++)
            stays[i].Labels.CopyTo(labels, i * k);
        return new StayBatch(zeros(b, 0, dtype: ScalarType.Int64), zeros(b, 0, dtype: ScalarType.Int64), zeros(b, 0, dtype: ScalarType.Int64),
            tensor(labels, [b, k]), [.. stays.Select(s => s.Name)]);
    }
}
