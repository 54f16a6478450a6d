using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.Longformer;
using LLM4EHR.Tests.Support;
using static LLM4EHR.Tests.Models.Encoders.EncoderFixtureInputs;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>Our Longformer loader + sliding-window/global attention against HF's LongformerModel (LongformerForMaskedLM checkpoint).</summary>
public class LongformerParityTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("longformer-parity");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Hidden_states_match_the_reference(FixtureCase c)
    {
        using var scope = NewDisposeScope();
        using var model = EncoderLoader.Load(c.Dir, expected: EncoderFamily.Longformer);
        Assert.IsType<LongformerModel>(model);
        var ids = Matrix(c.File("inputs.json"), "input_ids")!;
        var mask = Matrix(c.File("inputs.json"), "attention_mask")!;
        var global = Matrix(c.File("inputs.json"), "global_attention_mask")!;

        Tensor hidden;
        using (no_grad())
            hidden = model.Forward(ids, mask, globalAttentionMask: global);   // [B, T, H]
        AssertCloseAtRealTokens(Expected(c.File("expected.safetensors"), "last_hidden_state"), hidden, mask, $"{c}: last_hidden_state");
        LlamaParityTests.AssertClose(Expected(c.File("expected.safetensors"), "mean_pooled"), MaskedMean(hidden, mask), $"{c}: mean_pooled");
    }
}
