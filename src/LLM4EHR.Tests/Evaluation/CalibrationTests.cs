using CsCheck;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Tests.Evaluation;

public class CalibrationTests
{
    [Fact]
    public void Brier_is_the_mean_squared_error_and_ece_weights_bin_gaps_by_bin_share()
    {
        // Bin [0.2, 0.267) holds 0.25 ×4 with one positive (gap 0); bin [0.8, 0.867) holds 0.8 ×2, both positive (gap 0.2).
        byte[] y = [1, 0, 0, 0, 1, 1];
        double[] p = [0.25, 0.25, 0.25, 0.25, 0.8, 0.8];
        var c = Calibration.Compute(y, p, bins: 15);
        double brier = (0.75 * 0.75 + 3 * 0.25 * 0.25 + 2 * 0.2 * 0.2) / 6;
        Assert.Equal(brier, c.Brier, 12);
        Assert.Equal(2.0 / 6 * 0.2, c.Ece, 12);
        Assert.Equal(2, c.Reliability.Count);
        Assert.Equal(new ReliabilityBin(3.0 / 15, 4.0 / 15, 4, 0.25, 0.25), c.Reliability[0]);
        Assert.Equal(12.0 / 15, c.Reliability[1].Lower, 12);
        Assert.Equal(1.0, c.Reliability[1].FractionPositive);
    }

    [Fact]
    public void Probability_one_falls_in_the_last_bin()
    {
        var c = Calibration.Compute([1, 0], [1.0, 0.0], bins: 10);
        Assert.Equal(0.0, c.Ece);
        Assert.Equal(0.0, c.Brier);
        Assert.Equal(0.9, c.Reliability[^1].Lower, 12);
        Assert.Equal(1.0, c.Reliability[^1].Upper, 12);
    }

    [Fact]
    public void Ece_lies_in_unit_interval_and_bins_account_for_every_prediction()
    {
        Gen.Int[1, 80].SelectMany(n => Gen.Select(Gen.Byte[0, 1].Array[n], Gen.Double[0, 1].Array[n], Gen.Int[1, 20]))
            .Sample((y, p, bins) =>
            {
                var c = Calibration.Compute(y, p, bins);
                Assert.InRange(c.Ece, 0, 1);
                Assert.InRange(c.Brier, 0, 1);
                Assert.Equal(y.Length, c.Reliability.Sum(b => b.Count));
                Assert.All(c.Reliability, b => Assert.InRange(b.MeanPredicted, b.Lower, b.Upper));
            }, iter: 200);
    }
}
