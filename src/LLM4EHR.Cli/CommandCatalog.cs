using System.Reflection;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli;

/// <summary>Registers every <see cref="CliCommandAttribute"/>-marked command of this assembly.</summary>
internal static class CommandCatalog
{
    private static readonly MethodInfo AddCommand =
        typeof(IConfigurator).GetMethod(nameof(IConfigurator.AddCommand))!;
    private static readonly MethodInfo AddBranchCommand =
        typeof(IConfigurator<CommandSettings>).GetMethod(nameof(IConfigurator<CommandSettings>.AddCommand))!;
    private static readonly MethodInfo SetBranchDefault =
        typeof(IConfigurator<CommandSettings>).GetMethod(nameof(IConfigurator<CommandSettings>.SetDefaultCommand))!;

    /// <summary>
    /// The <c>llm4ehr</c> app with every command, exceptions propagated so the caller maps them to exit codes
    /// (<see cref="ErrorReporter"/>). Program runs it; tests run exactly the same app.
    /// </summary>
    public static CommandApp CreateApp()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("llm4ehr");
            config.SetApplicationVersion(Version);
            config.PropagateExceptions();
            config.UseStrictParsing();
            Register(config);
        });
        return app;
    }

    /// <summary>Every command's attribute and settings type (the <c>TSettings</c> of its <c>Command&lt;TSettings&gt;</c>).</summary>
    public static IEnumerable<(CliCommandAttribute Attr, Type Settings)> Commands() =>
        typeof(CommandCatalog).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttribute<CliCommandAttribute>()))
            .Where(x => x.Attr is not null)
            .Select(x => (x.Attr!, SettingsOf(x.Type)));

    private static Type SettingsOf(Type command)
    {
        for (var t = command; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericArguments() is [var settings] && typeof(CommandSettings).IsAssignableFrom(settings))
                return settings;
        return typeof(EmptyCommandSettings);
    }

    public static void Register(IConfigurator config)
    {
        var commands = typeof(CommandCatalog).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttribute<CliCommandAttribute>()))
            .Where(x => x.Attr is not null)
            .OrderBy(x => x.Attr!.Branch).ThenBy(x => x.Attr!.Name, StringComparer.Ordinal)
            .ToList();

        foreach (var (type, attr) in commands.Where(c => c.Attr!.Branch is null))
            ((ICommandConfigurator)AddCommand.MakeGenericMethod(type).Invoke(config, [attr!.Name])!)
                .WithDescription(attr.Description);

        foreach (var branch in commands.Where(c => c.Attr!.Branch is not null).GroupBy(c => c.Attr!.Branch!))
        {
            config.AddBranch(branch.Key, b =>
            {
                b.SetDescription(Spectre.Console.Markup.Escape(BranchDescriptions.GetValueOrDefault(branch.Key, branch.Key)));
                foreach (var example in BranchExamples.GetValueOrDefault(branch.Key, []))
                    b.AddExample(example);
                foreach (var (type, attr) in branch)
                {
                    if (attr!.BranchDefault)
                    {
                        SetBranchDefault.MakeGenericMethod(type).Invoke(b, []);
                        continue;
                    }
                    var command = ((ICommandConfigurator)AddBranchCommand.MakeGenericMethod(type).Invoke(b, [attr.Name])!)
                        .WithDescription(attr.Description);
                    if (attr.Hidden)
                        command.IsHidden();
                }
            });
        }
    }

    /// <summary>The informational version: the package version and, for builds from a checkout, the commit (1.0.0+abc123def456).</summary>
    public static string Version =>
        typeof(CommandCatalog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly Dictionary<string, string> BranchDescriptions = new()
    {
        ["config"] = "Configs: import a Python seed config as native YAML.",
        ["bench"] = "Benchmarks: each prints one 'bench <name>: key=value ...' summary line (conventions: src/LLM4EHR.Benchmarks/README.md).",
        ["sweep"] = "Run a config over a grid of --set values into SWEEP_DIR/runs/NAME, here or as a Slurm job array " +
                    "(options: --config --set --grid --out --workers --slurm --dry-run --partition --gres --time --mem --cpus-per-task --max-parallel).",
    };

    // Help of a branch lists its subcommands, not its default command's options: the examples show them.
    private static readonly Dictionary<string, string[][]> BranchExamples = new()
    {
        ["sweep"] =
        [
            ["sweep", "--config", "config/demo-ihm.yaml", "--set", "training.epochs=1", "--grid", "lora.enabled=true,false", "--grid", "training.seed=1,2", "--out", "runs/sweep-demo"],
            ["sweep", "--config", "config/demo-ihm.yaml", "--grid", "training.seed=1,2,3,4", "--out", "runs/sweep-seeds", "--workers", "2"],
            ["sweep", "--config", "config/ihm.yaml", "--grid", "training.seed=1,2,3", "--out", "runs/sweep-ihm", "--slurm", "--partition", "gpu", "--gres", "gpu:1", "--time", "08:00:00", "--mem", "64G", "--cpus-per-task", "8", "--max-parallel", "3"],
            ["sweep", "status", "runs/sweep-ihm"],
        ],
    };
}
