#:project ../src/LLM4EHR/LLM4EHR.csproj
#:property PublishAot=false
// What notebooks/01-explore-data.dib does, as a .NET 10 file-based app: load and validate a task's three p2x splits,
// summarise them, and run the leakage/quality audit. From the repository root:
//     dotnet run examples/explore.cs                      # the synthetic Pheno demo cohort
//     dotnet run examples/explore.cs -- ihm /data/ihm     # a task and your own p2x folder
// Prints counts only, never note text.
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Data.Audit;
using LLM4EHR.Experiments;
using LLM4EHR.Text;

var task = ClinicalTaskInfo.Parse(args.Length > 0 ? args[0] : "pheno");
string root;
if (args.Length > 1)
    root = args[1];
else
{
    var demo = ExperimentConfigLoader.Load($"config/demo-{task.Id()}.yaml");
    DemoAssets.EnsureCohort(task, demo.Data);   // only into the demo's own folder
    root = demo.Data.Root;
}

var splits = P2xDataset.LoadAll(root, task);    // validates every record: a defect stops here, naming file, record and field
foreach (var split in Enum.GetValues<P2xSplit>())
{
    var s = P2xSplitSummary.Of(P2xSchema.SplitName(split), task, splits[split]);
    Console.WriteLine($"{s.Split,-5} {s.Stays,6} stays  {s.NotesPerStay,5:F2} notes/stay  {s.StaysWithoutNotes,4} without notes  " +
                      $"prevalence {100 * s.LabelPrevalence.Average():F1}%  reg_ts missing {100 * s.MissingRate:F1}%");
}

var audit = DataAudit.Run(task, splits, Llama3Tokenizer.Embedded, NoteSelectionSettings.DefaultMaxTokens(task));
foreach (var f in audit.Findings.OrderByDescending(f => f.Severity))
    Console.WriteLine($"audit {f.Severity.ToString().ToLowerInvariant(),-7} {f.Check,-26} {f.Split,-5} {f.Message}");
foreach (var l in audit.Lengths)
    Console.WriteLine($"tokens {l.Split,-5} median {l.Median}, p90 {l.P90}, max {l.Max}; {100 * l.TruncatedShare:F1}% truncated at {l.MaxTokens}");
Console.WriteLine(audit.Warnings.Count == 0 ? "audit: no warnings" : $"audit: {audit.Warnings.Count} warning(s)");
