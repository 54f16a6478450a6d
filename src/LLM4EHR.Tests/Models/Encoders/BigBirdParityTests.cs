using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.BigBird;
using LLM4EHR.Tests.Support;
using static LLM4EHR.Tests.Models.Encoders.EncoderFixtureInputs;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>
/// Our BigBird against src/LLM4EHR.Tests/parity/bigbird_reference.py, a plain-PyTorch re-implementation of HF's
/// modeling_big_bird.py forward (eval mode: block_sparse with HF's zero random-block indices, original_full, and the
/// short-sequence fallback), whose cases are committed under fixtures-generated/bigbird-parity.
/// </summary>
public class BigBirdParityTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.GeneratedCases("bigbird-parity");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Hidden_states_and_pooled_outputs_match_the_reference(FixtureCase c)
    {
        using var scope = NewDisposeScope();
        using var model = EncoderLoader.Load(c.Dir, expected: EncoderFamily.BigBird);
        var bigBird = Assert.IsType<BigBirdModel>(model);
        var ids = Matrix(c.File("inputs.json"), "input_ids")!;
        var mask = Matrix(c.File("inputs.json"), "attention_mask")!;
        var types = Matrix(c.File("inputs.json"), "token_type_ids");
        // The case names say which path HF takes; make sure ours takes the same one.
        Assert.Equal(c.Name.Contains("block-sparse"), bigBird.UsesBlockSparse(ids.shape[1]));

        Tensor hidden, pooler;
        using (no_grad())
        {
            hidden = model.Forward(ids, mask, types);                         // [B, T, H]
            pooler = model.Pool(hidden);                                       // [B, H]
        }
        AssertCloseAtRealTokens(Expected(c.File("expected.safetensors"), "last_hidden_state"), hidden, mask, $"{c}: last_hidden_state");
        LlamaParityTests.AssertClose(Expected(c.File("expected.safetensors"), "pooler_output"), pooler, $"{c}: pooler_output");
        LlamaParityTests.AssertClose(Expected(c.File("expected.safetensors"), "mean_pooled"), MaskedMean(hidden, mask), $"{c}: mean_pooled");
    }
}
