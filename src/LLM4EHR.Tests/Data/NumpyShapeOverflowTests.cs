using LLM4EHR.Data.Pickle;

namespace LLM4EHR.Tests.Data;

/// <summary>A forged shape whose element count times the item size wraps around 2^64 is still refused.</summary>
public sealed class NumpyShapeOverflowTests
{
    [Fact]
    public void Shape_whose_byte_size_wraps_to_the_payload_length_is_refused()
    {
        // 1073833783 × 2147299746 elements × 8 bytes = 2^64 + 2147401328, i.e. exactly the payload length once
        // the 64-bit product wraps. (A wrap needs a payload of over 1 GiB, hence memory with a length but no bytes.)
        const int payload = 2147401328;
        int[] shape = [1073833783, 2147299746];
        var array = new NumpyArray(NumpyDType.Parse("<f8"), []);

        array.SetData(shape, NumpyDType.Parse("<f8"), fortran: false, new PickleBytes(new LengthOnlyMemory(payload).Memory));

        Assert.Equal($"NumPy array claims shape [1073833783,2147299746] of <f8 but holds {payload} bytes", array.Defect);
        var e = Assert.Throws<BadInputException>(() => array.ToDoubles());
        Assert.Equal(array.Defect, e.Message);
    }
}
