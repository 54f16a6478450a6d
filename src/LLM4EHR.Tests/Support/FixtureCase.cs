using Xunit.Abstractions;

namespace LLM4EHR.Tests.Support;

/// <summary>One fixture case folder; its display name ("p2x/ihm-numpy1-p2") names the case in test output.</summary>
public sealed class FixtureCase : IXunitSerializable
{
    public FixtureCase() { Kind = Name = Dir = ""; }
    public FixtureCase(string kind, string name, string dir) { Kind = kind; Name = name; Dir = dir; }

    public string Kind { get; private set; }
    public string Name { get; private set; }
    public string Dir { get; private set; }

    public string File(string name) => System.IO.Path.Combine(Dir, name);

    public void Deserialize(IXunitSerializationInfo info)
    {
        Kind = info.GetValue<string>(nameof(Kind));
        Name = info.GetValue<string>(nameof(Name));
        Dir = info.GetValue<string>(nameof(Dir));
    }

    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(Kind), Kind);
        info.AddValue(nameof(Name), Name);
        info.AddValue(nameof(Dir), Dir);
    }

    public override string ToString() => $"{Kind}/{Name}";
}
