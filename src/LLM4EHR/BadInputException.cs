namespace LLM4EHR;

/// <summary>
/// Input the user can fix (a bad file, record, field, option or config key). The message is one line that
/// names what is wrong and where, e.g. <c>train_p2x_data.pkl: record 17 (…): reg_ts: expected [48,34], got [47,34]</c>.
/// Front ends map it to exit code 2 and print only the message; anything else is an internal error (exit 1).
/// </summary>
public class BadInputException : Exception
{
    public BadInputException(string message) : base(message) { }
    public BadInputException(string message, Exception inner) : base(message, inner) { }
}
