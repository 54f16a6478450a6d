namespace LLM4EHR.Data;

/// <summary>
/// The p2x record layout (one dict per ICU stay) that the validator enforces. data-schema/p2x-record.schema.json
/// documents the same facts; a test checks that the two agree.
/// </summary>
public static class P2xSchema
{
    public const string RegularSeriesKey = "reg_ts";
    public const string IrregularSeriesKey = "irg_ts";
    public const string IrregularMaskKey = "irg_ts_mask";
    public const string IrregularTimesKey = "ts_tt";
    public const string NoteTextsKey = "text_data";
    public const string NoteTimesKey = "text_time";
    public const string LabelKey = "label";
    public const string NameKey = "name";

    /// <summary>Every key a record must have, in file order.</summary>
    public static IReadOnlyList<string> RequiredKeys { get; } =
        [RegularSeriesKey, IrregularSeriesKey, IrregularMaskKey, IrregularTimesKey, NoteTextsKey, NoteTimesKey, LabelKey, NameKey];

    /// <summary>Clinical variables of mimic3-benchmarks (columns of <c>irg_ts</c>).</summary>
    public const int VariableCount = 17;

    /// <summary><c>reg_ts</c> columns: 17 values then 17 observation masks.</summary>
    public const int RegularColumns = 2 * VariableCount;

    /// <summary>Label counts a file may carry for a task (Pheno: 25, or 26 with the ICU stay id first).</summary>
    public static IReadOnlyList<int> AllowedLabelCounts(ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => [1],
        ClinicalTask.Pheno => [25, 26],
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Lower-case name of a split (<c>train</c>, <c>val</c>, <c>test</c>), as in file and folder names.</summary>
    public static string SplitName(P2xSplit split) => split switch
    {
        P2xSplit.Train => "train",
        P2xSplit.Val => "val",
        P2xSplit.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    /// <summary>File name of a split, e.g. <c>train_p2x_data.pkl</c>.</summary>
    public static string FileName(P2xSplit split) => $"{SplitName(split)}_p2x_data.pkl";
}

/// <summary>The three p2x split files of a task.</summary>
public enum P2xSplit
{
    Train,
    Val,
    Test,
}
