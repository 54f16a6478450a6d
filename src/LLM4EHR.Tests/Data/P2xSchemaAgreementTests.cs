using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Data;

/// <summary>data-schema/p2x-record.schema.json and the validator state the same rules.</summary>
public sealed class P2xSchemaAgreementTests
{
    private static readonly JsonElement Defs = LoadDefs();

    private static JsonElement LoadDefs()
    {
        var path = Path.Combine(RepoRoot.Path, "data-schema", "p2x-record.schema.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("$defs").Clone();
    }

    private static string[] SchemaRequired() =>
        Defs.GetProperty("common").GetProperty("required").EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static int Rows(ClinicalTask task) =>
        Defs.GetProperty(task == ClinicalTask.Ihm ? "ihmRecord" : "phenoRecord").GetProperty("properties")
            .GetProperty("reg_ts").GetProperty("maxItems").GetInt32();

    private static int[] LabelCounts(ClinicalTask task)
    {
        var label = Defs.GetProperty(task == ClinicalTask.Ihm ? "ihmRecord" : "phenoRecord")
            .GetProperty("properties").GetProperty("label");
        return label.GetProperty("oneOf").EnumerateArray()
            .Select(v => v.TryGetProperty("maxItems", out var max) ? max.GetInt32() : 1).Distinct().Order().ToArray();
    }

    [Fact]
    public void Required_keys_agree() => Assert.Equal(SchemaRequired().Order(), P2xSchema.RequiredKeys.Order());

    [Fact]
    public void Shapes_and_label_counts_agree()
    {
        foreach (var task in Enum.GetValues<ClinicalTask>())
        {
            Assert.Equal(task.HorizonHours(), Rows(task));
            Assert.Equal(P2xSchema.AllowedLabelCounts(task).Order(), LabelCounts(task));
        }
        Assert.Equal(P2xSchema.RegularColumns, Defs.GetProperty("regRow").GetProperty("maxItems").GetInt32());
        Assert.Equal(P2xSchema.VariableCount, Defs.GetProperty("irgRow").GetProperty("maxItems").GetInt32());
        Assert.Equal(P2xSchema.VariableCount, Defs.GetProperty("maskRow").GetProperty("maxItems").GetInt32());
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Validator_rejects_each_schema_required_key_when_missing(ClinicalTask task)
    {
        foreach (var key in SchemaRequired())
        {
            var fields = task == ClinicalTask.Ihm ? RecordPickle.ValidIhm() : RecordPickle.ValidPheno();
            fields.Remove(key);
            var e = Assert.Throws<BadInputException>(() => P2xDataset.Parse(RecordPickle.Build(fields), "f.pkl", task));
            Assert.EndsWith($": {key}: missing key", e.Message);
        }
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Validator_accepts_exactly_the_schema_row_count(ClinicalTask task)
    {
        int rows = Rows(task);
        foreach (var (r, ok) in new[] { (rows - 1, false), (rows, true), (rows + 1, false) })
        {
            var fields = task == ClinicalTask.Ihm ? RecordPickle.ValidIhm() : RecordPickle.ValidPheno();
            fields["reg_ts"] = w => w.DoubleArray([r, P2xSchema.RegularColumns], new double[r * P2xSchema.RegularColumns]);
            var parse = () => P2xDataset.Parse(RecordPickle.Build(fields), "f.pkl", task);
            if (ok) Assert.Single(parse());
            else Assert.Throws<BadInputException>(parse);
        }
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Validator_accepts_exactly_the_schema_label_counts(ClinicalTask task)
    {
        var allowed = LabelCounts(task);
        for (int count = 1; count <= 27; count++)
        {
            int n = count;
            var fields = task == ClinicalTask.Ihm ? RecordPickle.ValidIhm() : RecordPickle.ValidPheno();
            fields["label"] = w => RecordPickle.IntList(w, Enumerable.Repeat(1L, n));
            var parse = () => P2xDataset.Parse(RecordPickle.Build(fields), "f.pkl", task);
            if (allowed.Contains(count)) Assert.Single(parse());
            else Assert.Throws<BadInputException>(parse);
        }
    }

}
