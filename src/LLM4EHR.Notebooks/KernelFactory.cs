using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace LLM4EHR.Notebooks;

/// <summary>
/// Builds the in-process kernel the way Polyglot Notebooks does for C#: a composite kernel (so `#!csharp`
/// and the other magic commands mean the same here) with one C# kernel that has the kernel helpers
/// (`display(...)`) and `#r "nuget: ..."` support. `#r "path/to.dll"` is plain Roslyn scripting.
/// </summary>
public static class KernelFactory
{
    public const string CSharp = "csharp";

    /// <summary>Kernel names the .dib parser should recognise (`#!csharp`, `#!c#`, `#!markdown`, `#!md`).</summary>
    public static KernelInfoCollection DocumentKernels()
    {
        var infos = new KernelInfoCollection
        {
            new Microsoft.DotNet.Interactive.Documents.KernelInfo(CSharp, "C#", ["c#", "C#"]),
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", "Markdown", ["md"]),
        };
        infos.DefaultKernelName = CSharp;
        return infos;
    }

    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseKernelHelpers()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            }, false);
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = CSharp;
        return composite;
    }
}
