using LLM4EHR.Cli;

// libgomp reads its wait policy once, when libtorch loads: set it before any TorchSharp call (see OpenMpWaitPolicy).
LLM4EHR.Runtime.OpenMpWaitPolicy.PreferPassive();

return CliEntry.Run(args, Console.Error);
