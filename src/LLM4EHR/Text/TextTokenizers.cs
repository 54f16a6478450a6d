namespace LLM4EHR.Text;

/// <summary>
/// Which tokenizer a model folder has. A Llama folder: the Llama-3 tiktoken ranks (<see cref="Llama3Tokenizer"/>).
/// An encoder folder, by the files Hugging Face ships: <c>spiece.model</c> (BigBird), <c>vocab.json</c> +
/// <c>merges.txt</c> (RoBERTa/Longformer), <c>vocab.txt</c> (BERT).
/// </summary>
public static class TextTokenizers
{
    /// <summary>The encoder vocabulary files looked for, in order, and what each needs.</summary>
    public static readonly IReadOnlyList<string> EncoderFiles =
        [BigBirdSentencePiece.ModelFileName, RobertaBpe.VocabFileName + " + " + RobertaBpe.MergesFileName, BertWordPiece.VocabFileName];

    /// <summary>
    /// Whichever tokenizer <paramref name="dir"/> holds: Llama-3's ranks when present, else an encoder's (for tools that
    /// take a bare model folder without a config, such as <c>inspect --audit --model</c>).
    /// </summary>
    public static ITextTokenizer FromModelFolder(string dir) =>
        Llama3Tokenizer.RankFileNames.Any(n => File.Exists(Path.Combine(dir, n))) ? Llama3Tokenizer.FromModelFolder(dir) : EncoderFromModelFolder(dir);

    /// <summary>The encoder tokenizer of <paramref name="dir"/>, or a one-line error naming the files it looked for.</summary>
    public static HfTokenizer EncoderFromModelFolder(string dir)
    {
        if (!Directory.Exists(dir))
            throw new BadInputException($"{dir}: model folder not found");
        if (File.Exists(Path.Combine(dir, BigBirdSentencePiece.ModelFileName)))
            return BigBirdSentencePiece.FromModelFolder(dir);
        if (File.Exists(Path.Combine(dir, RobertaBpe.VocabFileName)))
            return RobertaBpe.FromModelFolder(dir);
        if (File.Exists(Path.Combine(dir, BertWordPiece.VocabFileName)))
            return BertWordPiece.FromModelFolder(dir);
        throw new BadInputException($"{dir}: no tokenizer (expected {string.Join(", or ", EncoderFiles)})");
    }

    /// <summary>Whether <paramref name="dir"/> holds an encoder tokenizer's files (for preflight checks).</summary>
    public static bool HasEncoderFiles(string dir) =>
        File.Exists(Path.Combine(dir, BigBirdSentencePiece.ModelFileName))
        || (File.Exists(Path.Combine(dir, RobertaBpe.VocabFileName)) && File.Exists(Path.Combine(dir, RobertaBpe.MergesFileName)))
        || File.Exists(Path.Combine(dir, BertWordPiece.VocabFileName));
}
