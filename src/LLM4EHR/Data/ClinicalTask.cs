namespace LLM4EHR.Data;

/// <summary>The two benchmark tasks of the p2x cohort.</summary>
public enum ClinicalTask
{
    /// <summary>48-hour in-hospital mortality: one binary label.</summary>
    Ihm,
    /// <summary>24-hour phenotyping: 25 binary labels in mimic3-benchmarks order.</summary>
    Pheno,
}
