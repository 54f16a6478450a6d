namespace LLM4EHR.Cli;

/// <summary>
/// How to start this CLI again as a process (parallel sweep workers, Slurm array tasks): its apphost when it sits beside
/// LLM4EHR.Cli.dll, else <c>dotnet LLM4EHR.Cli.dll</c>. Found from the assembly, so it is right when the CLI runs inside
/// another host too (tests).
/// </summary>
internal static class CliSelf
{
    public static IReadOnlyList<string> Command()
    {
        string dll = typeof(CliSelf).Assembly.Location;
        string apphost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(apphost))
            return [apphost];
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return [dotnet, dll];
    }
}
