// MSBuild task, compiled by RoslynCodeTaskFactory from Directory.Build.targets.
//
// Why: libLibTorchSharp.so 0.107 lists GLIBCXX_3.4.32 in its .gnu.version_r (version needs) only for
// std::ios_base_library_init(), a symbol no relocation uses. Debian 12's libstdc++ stops at 3.4.30, so
// the dynamic loader refuses the library. Marking that one need VER_FLG_WEAK (0x2) tells ld.so a missing
// version is not fatal, and the library loads. We patch the *copies* in bin/publish, never the NuGet cache.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
{
    /// <summary>ELF shared objects to patch in place.</summary>
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Version names to mark weak, separated by ';' (e.g. GLIBCXX_3.4.32).</summary>
    [Required] public string Versions { get; set; } = "";

    private const ushort VerFlgWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    public override bool Execute()
    {
        var wanted = Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                int changed = Patch(path, wanted);
                if (changed > 0)
                    Log.LogMessage(MessageImportance.Normal, $"{path}: marked {changed} version need(s) weak");
            }
            catch (Exception e)
            {
                Log.LogError($"{path}: cannot patch ELF version needs: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry whose name is in <paramref name="names"/>; returns how many changed.</summary>
    private static int Patch(string path, string[] names)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            uint type = BitConverter.ToUInt32(elf, sh + 4);
            if (type != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);         // string table of the names
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));

            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
            int need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                for (int a = 0; a < count; a++)
                {
                    string name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                    if (Array.IndexOf(names, name) >= 0 && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        changed++;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        if (changed > 0)
        {
            // Write beside and rename, so an interrupted build never leaves a half-written library.
            string tmp = path + ".patching";
            File.WriteAllBytes(tmp, elf);
            File.Copy(tmp, path, overwrite: true);
            File.Delete(tmp);
        }
        return changed;
    }

    private static string ReadCString(byte[] data, int start)
    {
        int end = start;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, start, end - start);
    }
}
