namespace LLM4EHR.Data.Series;

/// <summary>
/// The 17 clinical variables of mimic3-benchmarks, in the order of its discretizer's <c>id_to_channel</c>
/// (resources/discretizer_config.json: alphabetical, so lower-case "pH" comes last). The p2x preprocessing
/// (MultimodalMIMIC) builds <c>reg_ts</c> and <c>irg_ts</c> from mimic3-benchmarks' episode files with these
/// variables; that it keeps this column order is assumed here, not read from the files (they carry no names).
/// <c>reg_ts</c> column j (j &lt; 17) is channel j's value and column 17 + j its observation mask.
/// </summary>
public static class SeriesChannels
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "capillary_refill_rate", "diastolic_blood_pressure", "fraction_inspired_oxygen",
        "glascow_coma_scale_eye_opening", "glascow_coma_scale_motor_response", "glascow_coma_scale_total",
        "glascow_coma_scale_verbal_response", "glucose", "heart_rate", "height", "mean_blood_pressure",
        "oxygen_saturation", "respiratory_rate", "systolic_blood_pressure", "temperature", "weight", "ph",
    ];

    /// <summary>17.</summary>
    public static int Count => P2xSchema.VariableCount;

    /// <summary>Column of channel <paramref name="channel"/>'s mask in <c>reg_ts</c>.</summary>
    public static int MaskColumn(int channel) => Count + channel;
}
