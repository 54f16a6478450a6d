namespace LLM4EHR.Text;

/// <summary>What to do with a stay that has no note inside the task horizon. Either way it is counted.</summary>
public enum EmptyStayPolicy
{
    /// <summary>Keep it as BOS only (the seed: an empty joined text still tokenizes to BOS).</summary>
    KeepBosOnly,
    /// <summary>Leave it out of the tokenized split.</summary>
    Skip,
}
