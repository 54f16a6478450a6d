namespace LLM4EHR.Data;

/// <summary>Fixed facts of each task: observation horizon, label count, names.</summary>
public static class ClinicalTaskInfo
{
    /// <summary>Hours of data a stay contributes (the horizon notes and series are cut at).</summary>
    public static int HorizonHours(this ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => 48,
        ClinicalTask.Pheno => 24,
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Number of labels the head predicts.</summary>
    public static int LabelCount(this ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => 1,
        ClinicalTask.Pheno => 25,
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Lower-case name used in files and on the command line.</summary>
    public static string Id(this ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => "ihm",
        ClinicalTask.Pheno => "pheno",
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Parses "ihm" or "pheno" (any case).</summary>
    public static ClinicalTask Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "ihm" => ClinicalTask.Ihm,
        "pheno" => ClinicalTask.Pheno,
        _ => throw new BadInputException($"unknown task '{text}' (expected ihm or pheno)"),
    };
}

/// <summary>The two benchmark tasks of the p2x cohort.</summary>
public enum ClinicalTask
{
    /// <summary>48-hour in-hospital mortality: one binary label.</summary>
    Ihm,
    /// <summary>24-hour phenotyping: 25 binary labels in mimic3-benchmarks order.</summary>
    Pheno,
}
