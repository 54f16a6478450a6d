using LLM4EHR.Config;
using LLM4EHR.Text;

namespace LLM4EHR.Experiments;

/// <summary>The tokenizer an experiment's model reads its text with (what <see cref="ExperimentRunner"/> tokenizes splits with).</summary>
public static class ModelTokenizer
{
    /// <summary>
    /// Loads the tokenizer of <paramref name="model"/>'s folder: Llama-3's tiktoken ranks, or the encoder's HF tokenizer
    /// framing each stay (<c>[CLS] … [SEP]</c>, <c>&lt;s&gt; … &lt;/s&gt;</c>); BELT's without framing, as it frames each chunk.
    /// </summary>
    public static ITextTokenizer For(ModelSettings model) => model.Type switch
    {
        ModelType.Belt => new UnframedTokenizer(TextTokenizers.EncoderFromModelFolder(model.Path)),
        ModelType.Longformer or ModelType.Bigbird => TextTokenizers.EncoderFromModelFolder(model.Path),
        _ => Llama3Tokenizer.FromModelFolder(model.Path),
    };

    /// <summary>Throws a one-line error naming the files when <paramref name="model"/>'s folder has no tokenizer it can use.</summary>
    public static void RequireFiles(ModelSettings model)
    {
        if (model.Type.IsEncoder())
        {
            if (!TextTokenizers.HasEncoderFiles(model.Path))
                throw new BadInputException($"model.path: {model.Path}: no tokenizer ({string.Join(", or ", TextTokenizers.EncoderFiles)})");
            return;
        }
        if (!Llama3Tokenizer.RankFileNames.Any(n => File.Exists(Path.Combine(model.Path, n))))
            throw new BadInputException($"model.path: {model.Path}: no tokenizer ({string.Join(" or ", Llama3Tokenizer.RankFileNames)})");
    }
}
