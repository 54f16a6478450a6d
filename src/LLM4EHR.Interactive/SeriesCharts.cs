using LLM4EHR.Data;
using LLM4EHR.Data.Series;
using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>Charts of one stay's hourly <c>reg_ts</c>: channel values where observed, and the observation masks.</summary>
public static class SeriesCharts
{
    /// <summary>
    /// One line per channel over the hours, drawn only through the hours its mask says observed (the file's
    /// forward-filled or 0 values at other hours are not measurements and are left out). Default: the vitals.
    /// </summary>
    public static GenericChart Channels(IcuStay stay, IEnumerable<string>? channels = null, string? title = null)
    {
        var names = (channels ?? ["heart_rate", "mean_blood_pressure", "respiratory_rate", "oxygen_saturation", "temperature"]).ToList();
        var traces = names.Select(name =>
        {
            int c = IndexOf(name);
            var hours = Enumerable.Range(0, stay.RegularSeries.Rows).Where(r => stay.RegularSeries[r, SeriesChannels.MaskColumn(c)] == 1).ToArray();
            return Traces.Line(name, [.. hours.Select(h => (double)h)], [.. hours.Select(h => stay.RegularSeries[h, c])], markers: true);
        }).ToList();
        return Figures.Build(traces, title ?? $"reg_ts of {stay.Name} (observed hours)", "Hour since ICU admission", "Value (as in the file)");
    }

    /// <summary>The 17 observation masks as a heatmap: one row per channel, one column per hour (1 = observed).</summary>
    public static GenericChart Masks(IcuStay stay, string? title = null)
    {
        var reg = stay.RegularSeries;
        var hours = Enumerable.Range(0, reg.Rows).Select(h => h.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var z = Enumerable.Range(0, SeriesChannels.Count)
            .Select(c => Enumerable.Range(0, reg.Rows).Select(r => reg[r, SeriesChannels.MaskColumn(c)]).ToArray()).ToArray();
        return Charts.Heatmap(hours, [.. SeriesChannels.Names], z, title ?? $"reg_ts observation masks of {stay.Name} (1 = observed)");
    }

    private static int IndexOf(string channel)
    {
        for (int c = 0; c < SeriesChannels.Count; c++)
            if (SeriesChannels.Names[c] == channel)
                return c;
        throw new ArgumentException($"'{channel}' is not a reg_ts channel (one of {string.Join(", ", SeriesChannels.Names)})", nameof(channel));
    }
}
