using LLM4EHR.Notebooks;

// llm4ehr-notebooks run <notebook.dib> --out <report.ipynb> [--html]
// Exit codes: 0 every cell ran; 1 a cell failed (the report is still written and shows the error);
// 2 bad usage or unreadable notebook; 3 the HTML conversion failed.
return await RunnerCli.MainAsync(args);
