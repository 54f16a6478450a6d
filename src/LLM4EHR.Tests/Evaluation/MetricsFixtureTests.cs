using System.Text.Json;
using LLM4EHR.Evaluation;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Evaluation;

/// <summary>Every metrics/&lt;case&gt; fixture: our metrics.json must hold every expected number within 1e-9.</summary>
public class MetricsFixtureTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("metrics");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Metrics_json_matches_scikit_learn(FixtureCase fixture)
    {
        var predictions = PredictionCsv.Read(fixture.File("predictions.csv"));
        var report = Evaluator.Evaluate(predictions, new EvaluationOptions { BootstrapResamples = 0 });
        using var ours = JsonDocument.Parse(report.ToJson());
        using var expected = JsonDocument.Parse(File.ReadAllText(fixture.File("expected.json")));
        Assert.Equal(JsonValueKind.Object, expected.RootElement.ValueKind);
        int compared = AssertSubset(expected.RootElement, ours.RootElement, fixture.ToString());
        Assert.True(compared >= 4, $"{fixture}: only {compared} numbers compared");
    }

    /// <summary>Every value in <paramref name="expected"/> is present in <paramref name="actual"/>; returns numbers compared.</summary>
    private static int AssertSubset(JsonElement expected, JsonElement actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object, got {actual.ValueKind}");
                int n = 0;
                foreach (var prop in expected.EnumerateObject())
                {
                    Assert.True(actual.TryGetProperty(prop.Name, out var value), $"{path}: missing key '{prop.Name}'");
                    n += AssertSubset(prop.Value, value, $"{path}.{prop.Name}");
                }
                return n;
            case JsonValueKind.Array:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{path}: expected an array, got {actual.ValueKind}");
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(),
                    $"{path}: expected {expected.GetArrayLength()} items, got {actual.GetArrayLength()}");
                int m = 0;
                for (int i = 0; i < expected.GetArrayLength(); i++)
                    m += AssertSubset(expected[i], actual[i], $"{path}[{i}]");
                return m;
            case JsonValueKind.Null:
                Assert.True(actual.ValueKind == JsonValueKind.Null, $"{path}: expected null, got {actual}");
                return 0;
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected a number, got {actual}");
                double want = expected.GetDouble(), got = actual.GetDouble();
                Assert.True(Math.Abs(want - got) <= 1e-9, $"{path}: expected {want:R}, got {got:R}");
                return 1;
            default:
                Assert.Equal(expected.ToString(), actual.ToString());
                return 0;
        }
    }
}
