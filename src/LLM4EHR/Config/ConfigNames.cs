using System.Text;

namespace LLM4EHR.Config;

/// <summary>snake_case spelling of enum values in config files (<c>KeepStart</c> ↔ <c>keep_start</c>).</summary>
public static class ConfigNames
{
    public static string Snake<T>(T value) where T : struct, Enum
    {
        string name = value.ToString();
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsDigit(name[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    public static bool TryParseChoice<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (Snake(v) == text)
            {
                value = v;
                return true;
            }
        value = default;
        return false;
    }

    public static string ChoicesOf<T>() where T : struct, Enum => string.Join("|", Enum.GetValues<T>().Select(Snake));
}
