using System.Collections.Immutable;

namespace LLM4EHR.Data;

/// <summary>
/// One ICU stay of a p2x split, typed and validated (see data-schema/README.md for the file fields).
/// Equality is structural (values, not array references), so a written and re-loaded stay equals the original.
/// </summary>
/// <param name="Name">Episode file name, e.g. <c>25879_episode2_timeseries.csv</c>.</param>
/// <param name="Task">The task whose file it came from.</param>
/// <param name="StayId">ICU stay id when the file carries it (real Pheno labels: 26 ints, id first); null for IHM.</param>
/// <param name="Labels">1 label for IHM, 25 for Pheno (in <see cref="PhenotypeNames"/> order), each 0 or 1.</param>
/// <param name="RegularSeries">[hours × 34]: 17 values then 17 observation masks per hour (hours = 48 IHM, 24 Pheno).</param>
/// <param name="IrregularSeries">[n × 17] irregular measurements (real files hold 0 where a variable was not measured; NaN is kept if present).</param>
/// <param name="IrregularMask">[n × 17] 1 where a value was observed.</param>
/// <param name="IrregularTimes">n measurement times, hours since admission.</param>
/// <param name="Notes">Notes in file order (hour since admission, text).</param>
public sealed record IcuStay(
    string Name,
    ClinicalTask Task,
    long? StayId,
    ImmutableArray<int> Labels,
    SeriesMatrix RegularSeries,
    SeriesMatrix IrregularSeries,
    SeriesMatrix IrregularMask,
    ImmutableArray<double> IrregularTimes,
    ImmutableArray<ClinicalNote> Notes)
{
    public bool Equals(IcuStay? other) =>
        other is not null
        && Name == other.Name && Task == other.Task && StayId == other.StayId
        && Labels.SequenceEqual(other.Labels)
        && RegularSeries.Equals(other.RegularSeries)
        && IrregularSeries.Equals(other.IrregularSeries)
        && IrregularMask.Equals(other.IrregularMask)
        && IrregularTimes.AsSpan().SequenceEqual(other.IrregularTimes.AsSpan())
        && Notes.SequenceEqual(other.Notes);

    public override int GetHashCode() => HashCode.Combine(Name, Task, StayId);
}

/// <summary>One clinical note: hours since ICU admission (p2x <c>text_time</c>) and its text (<c>text_data</c>).</summary>
public readonly record struct ClinicalNote(double Hour, string Text);
