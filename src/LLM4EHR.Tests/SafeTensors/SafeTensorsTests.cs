using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.SafeTensors;

public class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("st-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Round_trips_dtypes_shapes_values_and_metadata()
    {
        string path = Path.Combine(_dir, "a.safetensors");
        using var f32 = arange(12, dtype: ScalarType.Float32).reshape(3, 4);
        using var bf16 = tensor(new float[] { 1.5f, -2f, 0.25f }).to_type(ScalarType.BFloat16);
        using var u8 = tensor(new byte[] { 7, 255 });
        using var empty = zeros(0, 5);
        SafeTensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = f32, ["h"] = bf16, ["q"] = u8, ["e"] = empty },
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new long[] { 3, 4 }, file.Info("w").Shape);
        using var w = file.Load("w");
        Assert.Equal(f32.data<float>().ToArray(), w.data<float>().ToArray());
        using var h = file.Load("h", ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, h.dtype);
        Assert.Equal(new float[] { 1.5f, -2f, 0.25f }, h.data<float>().ToArray());
        using var q = file.Load("q");
        Assert.Equal(new byte[] { 7, 255 }, q.data<byte>().ToArray());
        using var e = file.Load("e");
        Assert.Equal(new long[] { 0, 5 }, e.shape);
        Assert.Equal(0, (8 + BitConverter.ToInt64(File.ReadAllBytes(path), 0)) % 8);
    }

    [Theory]
    [InlineData("oversized", "out of range")]
    [InlineData("not-json", "not valid JSON")]
    [InlineData("offsets-outside", "outside the data section")]
    [InlineData("size-mismatch", "needs 16 bytes")]
    [InlineData("past-end", "runs past the end")]
    [InlineData("bad-dtype", "unsupported dtype")]
    [InlineData("overlapping", "tensors 'a' and 'b' overlap in the data section")]
    [InlineData("truncated", "not a safetensors file")]
    public void Corrupt_headers_are_one_line_errors(string kind, string expected)
    {
        string path = Path.Combine(_dir, kind + ".safetensors");
        byte[] data = new byte[16];
        string json = kind switch
        {
            "not-json" => "{this is not json",
            "offsets-outside" => """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,32]}}""",
            "size-mismatch" => """{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}""",
            "bad-dtype" => """{"w":{"dtype":"F8_E9","shape":[4],"data_offsets":[0,16]}}""",
            "overlapping" => """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""",
            _ => """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""",
        };
        byte[] header = System.Text.Encoding.UTF8.GetBytes(json);
        long len = kind switch { "oversized" => 200_000_000, "past-end" => header.Length + 1000, _ => header.Length };
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(len), .. header, .. data]);
        if (kind == "truncated")
            File.WriteAllBytes(path, [1, 2, 3]);   // cut inside the 8-byte length

        var ex = Assert.Throws<BadInputException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.Contains(expected, ex.Message);
        Assert.Contains(kind + ".safetensors", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Failed_write_leaves_no_file_behind()
    {
        string path = Path.Combine(_dir, "never.safetensors");
        using var complex = zeros(2, dtype: ScalarType.ComplexFloat32);
        Assert.ThrowsAny<Exception>(() => SafeTensorsWriter.Write(path, new Dictionary<string, Tensor> { ["c"] = complex }));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
