using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.Bert;
using LLM4EHR.Tests.Support;
using static LLM4EHR.Tests.Models.Encoders.EncoderFixtureInputs;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>Our BERT loader + forward against outputs of HF's BertModel (a BertForPreTraining checkpoint: bert.* + cls.*).</summary>
public class BertParityTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("bert-parity");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Hidden_states_and_pooled_outputs_match_the_reference(FixtureCase c)
    {
        using var scope = NewDisposeScope();
        using var model = EncoderLoader.Load(c.Dir, expected: EncoderFamily.Bert);
        Assert.IsType<BertModel>(model);
        var ids = Matrix(c.File("inputs.json"), "input_ids")!;
        var mask = Matrix(c.File("inputs.json"), "attention_mask")!;
        var types = Matrix(c.File("inputs.json"), "token_type_ids");

        Tensor hidden, pooler;
        using (no_grad())
        {
            hidden = model.Forward(ids, mask, types);                         // [B, T, H], positions 0..T-1
            pooler = model.Pool(hidden);                                       // [B, H]
        }
        AssertCloseAtRealTokens(Expected(c.File("expected.safetensors"), "last_hidden_state"), hidden, mask, $"{c}: last_hidden_state");
        LlamaParityTests.AssertClose(Expected(c.File("expected.safetensors"), "pooler_output"), pooler, $"{c}: pooler_output");
        LlamaParityTests.AssertClose(Expected(c.File("expected.safetensors"), "mean_pooled"), MaskedMean(hidden, mask), $"{c}: mean_pooled");
    }
}
