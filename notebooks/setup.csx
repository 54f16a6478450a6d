// Shared setup of every notebook (loaded with `#load "setup.csx"`): publishes the library and the notebook helpers,
// with TorchSharp's natives, to artifacts/notebook-lib (incremental after the first time), and finds the repository
// root as `repo`. The next cell references the published assemblies.
using System.Diagnostics;
using System.IO;

var repo = new DirectoryInfo(Directory.GetCurrentDirectory());
while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "LLM4EHR.sln")))
    repo = repo.Parent;
var libDir = Path.Combine(repo!.FullName, "artifacts", "notebook-lib");
var publish = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var arg in new[] { "publish", Path.Combine(repo.FullName, "src", "LLM4EHR.Interactive"), "-c", "Release", "-o", libDir, "--nologo", "-v", "q" })
    publish.ArgumentList.Add(arg);
using (var p = Process.Start(publish)!)
{
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    if (p.ExitCode != 0)
        throw new Exception($"dotnet publish failed ({p.ExitCode}):\n{stdout.Result}{stderr.Result}");
}
Console.WriteLine($"published {Path.GetFileName(libDir)}");
