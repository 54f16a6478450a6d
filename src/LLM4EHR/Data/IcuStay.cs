using System.Collections.Immutable;

namespace LLM4EHR.Data;

/// <summary>
/// One ICU stay of a p2x split, typed and validated.
/// </summary>
/// <param name="Name">Episode file name, e.g. <c>25879_episode2_timeseries.csv</c>.</param>
/// <param name="Task">The task whose file it came from.</param>
/// <param name="StayId">ICU stay id when the file carries it (real Pheno labels: 26 ints, id first).</param>
/// <param name="Labels">1 label for IHM, 25 for Pheno, each 0 or 1.</param>
/// <param name="RegularSeries">[hours × 34]: 17 values then 17 observation masks per hour.</param>
/// <param name="IrregularSeries">[n × 17] irregular measurements (NaN where absent).</param>
/// <param name="IrregularMask">[n × 17] 1 where a value was observed.</param>
/// <param name="IrregularTimes">n measurement times, hours since admission.</param>
/// <param name="Notes">Notes in file order (time, text).</param>
public sealed record IcuStay(
    string Name,
    ClinicalTask Task,
    long? StayId,
    ImmutableArray<int> Labels,
    SeriesMatrix RegularSeries,
    SeriesMatrix IrregularSeries,
    SeriesMatrix IrregularMask,
    ImmutableArray<double> IrregularTimes,
    ImmutableArray<ClinicalNote> Notes);
