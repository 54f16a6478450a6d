namespace LLM4EHR.Data;

/// <summary>Builds the one-line error prefix "file: record i (name): field: ".</summary>
internal sealed class FieldContext(string where)
{
    public BadInputException Error(string field, string message) => new($"{where}: {field}: {message}");

    public Field Of(string field) => new(this, field);

    public readonly record struct Field(FieldContext Context, string Name)
    {
        public BadInputException Error(string message) => Context.Error(Name, message);
    }
}
