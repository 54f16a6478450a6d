namespace LLM4EHR.Data;

/// <summary>
/// The 25 phenotype labels of the Pheno task in label-column order (mimic3-benchmarks: sorted names of
/// hcup_ccs_2015_definitions.yaml; label_0 first). Kept in code so reports and the synthetic cohort need no data file.
/// </summary>
public static class PhenotypeNames
{
    public static IReadOnlyList<string> All { get; } =
    [
        "Acute and unspecified renal failure",
        "Acute cerebrovascular disease",
        "Acute myocardial infarction",
        "Cardiac dysrhythmias",
        "Chronic kidney disease",
        "Chronic obstructive pulmonary disease and bronchiectasis",
        "Complications of surgical procedures or medical care",
        "Conduction disorders",
        "Congestive heart failure; nonhypertensive",
        "Coronary atherosclerosis and other heart disease",
        "Diabetes mellitus with complications",
        "Diabetes mellitus without complication",
        "Disorders of lipid metabolism",
        "Essential hypertension",
        "Fluid and electrolyte disorders",
        "Gastrointestinal hemorrhage",
        "Hypertension with complications and secondary hypertension",
        "Other liver diseases",
        "Other lower respiratory disease",
        "Other upper respiratory disease",
        "Pleurisy; pneumothorax; pulmonary collapse",
        "Pneumonia (except that caused by tuberculosis or sexually transmitted disease)",
        "Respiratory failure; insufficiency; arrest (adult)",
        "Septicemia (except in labor)",
        "Shock",
    ];

    /// <summary>Label names of a task in column order (IHM has the one mortality label).</summary>
    public static IReadOnlyList<string> For(ClinicalTask task) =>
        task == ClinicalTask.Pheno ? All : ["In-hospital mortality"];
}
