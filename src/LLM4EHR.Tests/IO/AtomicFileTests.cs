using LLM4EHR.IO;

namespace LLM4EHR.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Text_and_bytes_land_whole_in_a_created_folder_with_no_temp_left()
    {
        string text = Path.Combine(_dir, "a", "b", "x.json");
        AtomicFile.WriteAllText(text, "héllo\n");
        Assert.Equal("héllo\n"u8.ToArray(), File.ReadAllBytes(text));   // UTF-8, no byte-order mark
        string bin = Path.Combine(_dir, "y.bin");
        AtomicFile.WriteAllBytes(bin, [1, 2, 3]);
        AtomicFile.WriteAllBytes(bin, [9]);
        Assert.Equal([9], File.ReadAllBytes(bin));
        Assert.Equal(["x.json"], Directory.GetFiles(Path.GetDirectoryName(text)!).Select(Path.GetFileName));
        Assert.Equal(["y.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temp()
    {
        string path = Path.Combine(_dir, "keep.txt");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("half"u8);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["keep.txt"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void The_writer_can_read_back_what_it_wrote()
    {
        string path = Path.Combine(_dir, "sum.bin");
        AtomicFile.Write(path, s =>
        {
            s.Write([4, 5, 6]);
            s.Position = 0;
            int sum = s.ReadByte() + s.ReadByte() + s.ReadByte();
            s.WriteByte((byte)sum);
        });
        Assert.Equal([4, 5, 6, 15], File.ReadAllBytes(path));
    }
}
