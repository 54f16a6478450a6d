namespace LLM4EHR.Data.Synthetic;

/// <summary>
/// Vocabulary of the synthetic notes, in the style of MIMIC-III notes after p2x preprocessing: lower-cased,
/// punctuation split off by spaces. Risk and reassurance phrases carry the IHM signal; cue phrases carry the
/// Pheno signal (one list per phenotype, in <see cref="PhenotypeNames"/> order).
/// </summary>
internal static class SyntheticPhrases
{
    public static readonly string[] Headers =
    [
        "nursing progress note", "physician resident progress note", "respiratory care shift note",
        "micu nursing admission note", "attending physician note", "social work note", "nutrition follow up",
        "npn 7a - 7p", "npn 7p - 7a", "radiology : chest portable ap",
    ];

    /// <summary>Routine sentences every stay gets.</summary>
    public static readonly string[] Routine =
    [
        "neuro : alert and oriented x3 , following commands , moving all extremities .",
        "cv : hr 80s nsr , bp stable , no ectopy noted .",
        "resp : lungs clear bilaterally , sats 95 % on 2l nc .",
        "gi : abd soft , nontender , + bowel sounds , tolerating tube feeds at goal .",
        "gu : foley draining clear yellow urine , uop adequate .",
        "id : afebrile , wbc trending down , continue current antibiotics .",
        "skin : intact , turned and repositioned q2h .",
        "social : wife at bedside , updated on plan of care .",
        "pain controlled with prn morphine , pt resting comfortably .",
        "labs reviewed , electrolytes repleted per sliding scale .",
        "cxr : no acute cardiopulmonary process , lines in good position .",
        "ekg unchanged from prior , no acute st changes .",
        "plan : continue to monitor , titrate o2 as tolerated .",
        "pt seen and examined , agree with resident note above .",
        "iv access : 2 piv , right subclavian cvl day 3 .",
        "glucose 140s , covered with insulin per protocol .",
    ];

    /// <summary>Phrases that mark a stay heading toward death (IHM positive signal).</summary>
    public static readonly string[] Risk =
    [
        "family meeting held , goals of care discussed , transition to comfort care .",
        "pressors increased , levophed now at 0.3 mcg / kg / min .",
        "code status changed to dnr / dni after discussion with family .",
        "worsening hypotension despite fluid boluses and two pressors .",
        "lactate rising to 8.2 , poor prognosis discussed with family .",
        "patient made cmo , morphine drip started for comfort .",
        "multi organ failure , anuric , not a candidate for crrt per family wishes .",
        "pupils fixed and dilated , no corneal reflex , neurology consulted for brain death exam .",
    ];

    /// <summary>Phrases of a stay going well (mostly in IHM negatives).</summary>
    public static readonly string[] Recovery =
    [
        "ambulating in hallway with pt , tolerating regular diet .",
        "extubated this am without difficulty , doing well on nasal cannula .",
        "plan for call out to floor tomorrow .",
        "weaned off pressors overnight , maps stable in 70s .",
        "pt in good spirits , family visiting , plan discharge to rehab .",
    ];

    /// <summary>Cue phrases per phenotype, same order as <see cref="PhenotypeNames.All"/>.</summary>
    public static readonly string[][] PhenotypeCues =
    [
        ["creatinine up to 3.4 , acute kidney injury , renal following .", "arf likely prerenal , holding nephrotoxins ."],
        ["ct head shows left mca stroke .", "acute cva , neuro checks q1h ."],
        ["troponin peaked at 12 , stemi , taken to cath lab .", "nstemi on heparin drip ."],
        ["afib with rvr , rate controlled with diltiazem .", "atrial fibrillation , on amiodarone ."],
        ["ckd stage 4 , baseline creatinine 2.8 .", "chronic kidney disease , renal dosing of meds ."],
        ["copd exacerbation , nebs q4h , on home o2 .", "bronchiectasis with chronic sputum production ."],
        ["post op wound dehiscence noted .", "complication of surgical procedure , line infection suspected ."],
        ["complete heart block , transvenous pacer placed .", "first degree av block with lbbb ."],
        ["chf exacerbation , ef 25 % , diuresing with lasix .", "volume overloaded , crackles at bases , bnp elevated ."],
        ["cad s / p cabg , on aspirin and statin .", "coronary artery disease with prior stents ."],
        ["dka with anion gap 24 , insulin drip started .", "diabetic nephropathy and neuropathy ."],
        ["type 2 diabetes on metformin at home .", "dm2 , fingersticks qid , insulin sliding scale ."],
        ["hyperlipidemia on atorvastatin .", "hld , lipid panel pending ."],
        ["history of hypertension on lisinopril .", "htn , home meds held for soft bp ."],
        ["hyponatremia , na 126 , fluid restricted .", "hypokalemia , potassium repleted ."],
        ["gi bleed with melena , egd showed duodenal ulcer .", "hematocrit drop , transfused 2 units prbc for gib ."],
        ["hypertensive emergency on nicardipine drip .", "hypertensive heart and kidney disease ."],
        ["cirrhosis with ascites , elevated lfts .", "hepatic encephalopathy , on lactulose ."],
        ["aspiration event , lower airway secretions suctioned .", "wheezing , bronchospasm treated with nebs ."],
        ["stridor after extubation , upper airway edema , racemic epi given .", "sinusitis on ct ."],
        ["right pneumothorax , chest tube placed .", "pleural effusion and atelectasis on cxr ."],
        ["rll infiltrate , pneumonia , started vanc and zosyn .", "sputum grew pseudomonas , hap ."],
        ["intubated for hypoxic respiratory failure .", "ards , low tidal volume ventilation , peep 12 ."],
        ["sepsis , blood cultures positive for gram negative rods .", "septicemia from urinary source ."],
        ["septic shock requiring levophed and vasopressin .", "cardiogenic shock , dobutamine started ."],
    ];

    /// <summary>Prevalence of each phenotype in the synthetic cohort (varied, roughly like MIMIC-III).</summary>
    public static readonly double[] PhenotypePrevalence =
    [
        0.21, 0.07, 0.10, 0.32, 0.13, 0.13, 0.20, 0.07, 0.27, 0.32, 0.09, 0.19, 0.29,
        0.42, 0.27, 0.07, 0.13, 0.08, 0.05, 0.04, 0.08, 0.14, 0.17, 0.07, 0.08,
    ];

    /// <summary>
    /// Every word the synthetic notes are made of (phrases split on spaces, plus the default note template's words),
    /// distinct, in first-seen order: the tiny demo encoders' vocabularies are built from it.
    /// </summary>
    public static IReadOnlyList<string> Words() =>
        Headers.Concat(Routine).Concat(Risk).Concat(Recovery).Concat(PhenotypeCues.SelectMany(c => c))
            .Append("### NOTE ###")
            .SelectMany(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal).ToList();
}
