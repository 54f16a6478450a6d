namespace LLM4EHR.Text;

/// <summary>
/// What the text pipeline needs of a tokenizer: plain-text ids, the ids that frame every stay's sequence, a pad id and
/// an identity that keys caches. Implemented by <see cref="Llama3Tokenizer"/> (tiktoken BPE, BOS first) and
/// <see cref="HfTokenizer"/>, the encoders' (<see cref="BertWordPiece"/>: [CLS] … [SEP]; <see cref="RobertaBpe"/>:
/// &lt;s&gt; … &lt;/s&gt;; <see cref="BigBirdSentencePiece"/>: [CLS] … [SEP]). Implementations are thread-safe.
/// </summary>
/// <remarks>
/// Note text is always encoded as plain text: a note that contains a special token's spelling (<c>[SEP]</c>,
/// <c>&lt;|eot_id|&gt;</c>) gets ordinary tokens for those characters, never the special id, so note content cannot
/// inject control tokens. Special ids are added only through <see cref="SequenceStart"/>/<see cref="SequenceEnd"/>.
/// </remarks>
public interface ITextTokenizer
{
    /// <summary>The tokenizer family, as written in run.json (<c>llama3-tiktoken</c>, <c>bert-wordpiece</c>, …).</summary>
    string Kind { get; }

    /// <summary>Where the vocabulary came from (a file path, or a description).</summary>
    string Source { get; }

    /// <summary>
    /// Hex SHA-256 over everything that changes the ids of a text or a stay: vocabulary, normalization options and the
    /// framing ids. Keys the tokenized-split cache, so two tokenizers that may disagree never share an entry.
    /// </summary>
    string Identity { get; }

    /// <summary>The embedding row count a model needs (every id this tokenizer can produce is below it).</summary>
    int VocabSize { get; }

    /// <summary>Id written at padding positions (masked out; must be a valid embedding row).</summary>
    int PadId { get; }

    /// <summary>Ids every stay's sequence starts with (Llama-3: BOS; BERT: [CLS]); kept through truncation.</summary>
    IReadOnlyList<int> SequenceStart { get; }

    /// <summary>Ids every stay's sequence ends with (BERT: [SEP]; Llama-3: none); kept through truncation.</summary>
    IReadOnlyList<int> SequenceEnd { get; }

    /// <summary>The vocabulary files it was loaded from (absolute paths; empty for an embedded vocabulary).</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>Token ids of plain text, without framing ids.</summary>
    int[] Encode(string text);

    /// <summary>Exactly the first <paramref name="maxTokens"/> ids of <see cref="Encode"/> (all of them if fewer).</summary>
    int[] EncodePrefix(string text, int maxTokens, out bool truncated);

    /// <summary>Text of <paramref name="ids"/>.</summary>
    string Decode(IEnumerable<int> ids);
}
