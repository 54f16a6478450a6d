using Google.Protobuf;

namespace LLM4EHR.Text;

/// <summary>
/// The parts of a SentencePiece <c>.model</c> file (protobuf <c>ModelProto</c>, sentencepiece_model.proto) the project
/// reads and writes: the pieces with score and type, the model type and the special ids. Reading gives every piece's
/// id, control pieces included ([CLS], [SEP] of BigBird), which Microsoft.ML.Tokenizers' vocabulary leaves out; writing
/// makes the tiny demo's <c>spiece.model</c>, which then loads through the same code as a real one.
/// </summary>
public sealed record SentencePieceModelFile(IReadOnlyList<SentencePieceModelFile.Piece> Pieces, SentencePieceModelFile.ModelKind Model,
    int UnkId = 0, int BosId = 1, int EosId = 2, int PadId = -1, string Normalizer = "identity")
{
    public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

    public enum ModelKind { Unigram = 1, Bpe = 2, Word = 3, Char = 4 }

    public readonly record struct Piece(string Text, float Score, PieceType Type);

    /// <summary>Piece text → id (the piece's index), all types.</summary>
    public Dictionary<string, int> Ids()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Pieces.Count; i++)
            ids.TryAdd(Pieces[i].Text, i);
        return ids;
    }

    /// <summary>Parses <paramref name="bytes"/> (read from <paramref name="path"/>, named in errors).</summary>
    public static SentencePieceModelFile Parse(byte[] bytes, string path)
    {
        try
        {
            var pieces = new List<Piece>();
            var model = ModelKind.Unigram;
            int unk = 0, bos = 1, eos = 2, pad = -1;
            string normalizer = "identity";
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = WireFormat.GetTagFieldNumber(tag);
                if (field == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                    pieces.Add(ReadPiece(input.ReadBytes()));
                else if (field == 2 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                    (model, unk, bos, eos, pad) = ReadTrainerSpec(input.ReadBytes(), model, unk, bos, eos, pad);
                else if (field == 3 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                    normalizer = ReadNormalizerName(input.ReadBytes()) ?? normalizer;
                else
                    input.SkipLastField();
            }
            if (pieces.Count == 0)
                throw new BadInputException($"{path}: no pieces (not a SentencePiece model file)");
            return new SentencePieceModelFile(pieces, model, unk, bos, eos, pad, normalizer);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new BadInputException($"{path}: not a SentencePiece model file: {e.Message}", e);
        }
    }

    /// <summary>The protobuf bytes: pieces, trainer spec (model type, special ids) and an identity normalizer spec.</summary>
    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        var o = new CodedOutputStream(ms);
        foreach (var p in Pieces)
            WriteMessage(o, 1, m =>
            {
                m.WriteTag(1, WireFormat.WireType.LengthDelimited); m.WriteString(p.Text);
                m.WriteTag(2, WireFormat.WireType.Fixed32); m.WriteFloat(p.Score);
                m.WriteTag(3, WireFormat.WireType.Varint); m.WriteInt32((int)p.Type);
            });
        WriteMessage(o, 2, m =>
        {
            m.WriteTag(3, WireFormat.WireType.Varint); m.WriteInt32((int)Model);
            foreach (var (field, id) in new[] { (40, UnkId), (41, BosId), (42, EosId), (43, PadId) })
            {
                m.WriteTag(field, WireFormat.WireType.Varint); m.WriteInt32(id);
            }
        });
        // No precompiled charsmap: the demo's text is already normalized. Dummy prefix, whitespace escaping and
        // collapsing of extra whitespace as sentencepiece's defaults.
        WriteMessage(o, 3, m =>
        {
            m.WriteTag(1, WireFormat.WireType.LengthDelimited); m.WriteString(Normalizer);
            foreach (int field in new[] { 3, 4, 5 })
            {
                m.WriteTag(field, WireFormat.WireType.Varint); m.WriteBool(true);
            }
        });
        o.Flush();
        return ms.ToArray();
    }

    private static void WriteMessage(CodedOutputStream o, int field, Action<CodedOutputStream> body)
    {
        using var inner = new MemoryStream();
        var m = new CodedOutputStream(inner);
        body(m);
        m.Flush();
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
    }

    private static Piece ReadPiece(ByteString bytes)
    {
        string text = "";
        float score = 0;
        var type = PieceType.Normal;
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: text = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = (PieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Piece(text, score, type);
    }

    private static string? ReadNormalizerName(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        string? name = null;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
                name = input.ReadString();
            else
                input.SkipLastField();
        }
        return name;
    }

    private static (ModelKind, int, int, int, int) ReadTrainerSpec(ByteString bytes, ModelKind model, int unk, int bos, int eos, int pad)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 3: model = (ModelKind)input.ReadEnum(); break;
                case 40: unk = input.ReadInt32(); break;
                case 41: bos = input.ReadInt32(); break;
                case 42: eos = input.ReadInt32(); break;
                case 43: pad = input.ReadInt32(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (model, unk, bos, eos, pad);
    }
}
