using System.Diagnostics;

namespace LLM4EHR.Notebooks;

/// <summary>
/// Turns an executed .ipynb into one HTML file with Jupyter's own converter (`jupyter nbconvert --to html`,
/// Debian package jupyter-nbconvert). nbconvert copies text/html outputs verbatim (it does not sanitize them),
/// and our chart outputs carry plotly.js inline, so the page draws its charts offline.
/// </summary>
public static class HtmlReport
{
    public const string Jupyter = "jupyter";

    /// <summary>Writes <paramref name="htmlPath"/> (temp name, then rename). Throws with nbconvert's last line on failure.</summary>
    public static void Write(string ipynbPath, string htmlPath)
    {
        var full = Path.GetFullPath(htmlPath);
        var dir = Path.GetDirectoryName(full)!;
        var tempStem = Path.GetFileNameWithoutExtension(full) + ".tmp";
        var psi = new ProcessStartInfo(Jupyter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "nbconvert", "--to", "html", "--output-dir", dir, "--output", tempStem, Path.GetFullPath(ipynbPath) })
            psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start '{Jupyter} nbconvert' ({e.Message}); install it with: apt-get install -y jupyter-nbconvert");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                var last = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit {p.ExitCode}";
                throw new InvalidOperationException($"jupyter nbconvert failed for {ipynbPath}: {last.Trim()}");
            }
            _ = stdout.Result;
        }
        File.Move(Path.Combine(dir, tempStem + ".html"), full, overwrite: true);
    }
}
