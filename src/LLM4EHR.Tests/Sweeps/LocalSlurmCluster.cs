using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LLM4EHR.Tests.Support;
using LLM4EHR.Tests.Text;

namespace LLM4EHR.Tests.Sweeps;

/// <summary>
/// A real single-node Slurm cluster on localhost for one test: a private munge key and socket, a slurm.conf in a temp
/// folder (free ports, no cgroups: proctrack/linuxproc, task/none, no accounting), slurmctld and slurmd in the
/// foreground as children of the test. <see cref="Environment"/> points Slurm's clients at it (SLURM_CONF). Dispose
/// cancels what is left in the queue and stops the daemons, always. Where Slurm cannot run (tools missing, not root, the
/// daemons do not come up) <see cref="Start"/> reports why through the <see cref="SystemTool"/> policy: skipped outside
/// CI, failed in CI.
/// </summary>
internal sealed class LocalSlurmCluster : IDisposable
{
    private static readonly string[] Tools =
        ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/sinfo", "/usr/bin/scancel"];

    private readonly TempFolder _folder = new();
    private readonly List<(string Name, Process Process, StringBuilder Output)> _daemons = [];

    private LocalSlurmCluster() { }

    public string ConfigFile => _folder.File("slurm.conf");

    /// <summary>What Slurm's clients (and the jobs' sbatch) need to find this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = ConfigFile };

    public static LocalSlurmCluster Start(TimeSpan timeout)
    {
        foreach (var tool in Tools)
            SystemTool.Require(tool, "slurm-wlm munge");
        if (!string.Equals(System.Environment.UserName, "root", StringComparison.Ordinal))
            SystemTool.Unavailable($"a local Slurm cluster needs root (slurmd starts jobs as their user); running as {System.Environment.UserName}");
        var cluster = new LocalSlurmCluster();
        try
        {
            cluster.Boot(timeout);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void Boot(TimeSpan timeout)
    {
        string munge = _folder.File("munge");
        Directory.CreateDirectory(munge);
        Restrict(munge, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string key = Path.Combine(munge, "munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        Restrict(key, UnixFileMode.UserRead); // munged refuses a key others can read
        string socket = Path.Combine(munge, "munge.socket");
        Daemon("munged", "/usr/sbin/munged", "--foreground", "--force", $"--key-file={key}", $"--socket={socket}",
            $"--pid-file={munge}/munged.pid", $"--log-file={munge}/munged.log", $"--seed-file={munge}/munged.seed");
        WaitFor(() => File.Exists(socket), timeout, "munged did not create its socket");

        foreach (var dir in new[] { "state", "spool", "log" })
            Directory.CreateDirectory(_folder.File(dir));
        File.WriteAllText(_folder.File("plugstack.conf"), "");
        File.WriteAllText(ConfigFile, Config(socket));
        Daemon("slurmctld", "/usr/sbin/slurmctld", "-D", "-i", "-f", ConfigFile);
        Daemon("slurmd", "/usr/sbin/slurmd", "-D", "-N", "localhost", "-f", ConfigFile);
        WaitFor(() => Run("sinfo", "--noheader", "--format=%T").Out.Trim() == "idle", timeout, "the node did not become idle in sinfo");
    }

    private string Config(string mungeSocket)
    {
        long memoryMb = File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 * 9 / 10).First();
        string f = _folder.Path;
        return $"""
            ClusterName=llm4ehrtest
            SlurmctldHost=localhost(127.0.0.1)
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={mungeSocket}
            StateSaveLocation={f}/state
            SlurmdSpoolDir={f}/spool
            SlurmctldPidFile={f}/slurmctld.pid
            SlurmdPidFile={f}/slurmd.pid
            SlurmctldLogFile={f}/log/slurmctld.log
            SlurmdLogFile={f}/log/slurmd.log
            PlugStackConfig={f}/plugstack.conf
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            SchedulerType=sched/backfill
            MpiDefault=none
            ReturnToService=2
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/none
            KillWait=10
            NodeName=localhost NodeAddr=127.0.0.1 CPUs={System.Environment.ProcessorCount} RealMemory={memoryMb} State=UNKNOWN
            PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP

            """;
    }

    /// <summary>Runs a Slurm client against this cluster.</summary>
    public (int Code, string Out, string Err) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = ConfigFile;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private void Daemon(string name, string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = ConfigFile;
        var output = new StringBuilder();
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _daemons.Add((name, process, output));
    }

    // Polls until the condition holds; otherwise reports the reason with what the daemons said.
    private void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            var dead = _daemons.FirstOrDefault(d => d.Process.HasExited);
            if (dead.Process is not null || DateTime.UtcNow > deadline)
                SystemTool.Unavailable($"local Slurm cluster: {what} within {timeout.TotalSeconds:F0} s" +
                    (dead.Process is not null ? $"; {dead.Name} exited with {dead.Process.ExitCode}" : "") + ": " + Tail());
            Thread.Sleep(250);
        }
    }

    private string Tail()
    {
        var lines = new List<string>();
        foreach (var (name, _, output) in _daemons)
            lock (output)
                lines.AddRange(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3).Select(l => $"{name}: {l.Trim()}"));
        foreach (var log in new[] { "log/slurmctld.log", "log/slurmd.log" }.Select(_folder.File).Where(File.Exists))
            lines.AddRange(File.ReadLines(log).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).TakeLast(3));
        return string.Join(" | ", lines);
    }

    private static void Restrict(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_daemons.Any(d => d.Name == "slurmd" && !d.Process.HasExited))
        {
            // Jobs still queued or running (a failed or timed-out test) must not outlive the cluster.
            Run("scancel", "--user=root");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (DateTime.UtcNow < deadline && Run("squeue", "--noheader").Out.Trim().Length > 0)
                Thread.Sleep(250);
        }
        foreach (var (_, process, _) in Enumerable.Reverse(_daemons))
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            process.Dispose();
        }
        _folder.Dispose();
    }
}
