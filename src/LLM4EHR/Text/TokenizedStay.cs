namespace LLM4EHR.Text;

/// <summary>
/// A stay after note selection and tokenization: the token ids of its one joined sequence (BOS first)
/// and its labels as floats (1 for IHM, 25 for Pheno). This is what the tokenized-split cache stores.
/// </summary>
public sealed record TokenizedStay(string Name, int[] TokenIds, float[] Labels);
