#:project ../src/LLM4EHR/LLM4EHR.csproj
#:property PublishAot=false
// One synthetic stay followed through the real code, with the shape at every hop: p2x record → selected notes →
// token ids → collated batch and position ids → hidden states [B,T,H] → masked mean [B,H] → logits [B,K] → BCE →
// gradients on one layer's LoRA A and B. From the repository root: dotnet run examples/one-stay.cs
// Shape letters: B batch, T tokens, H hidden, K labels (see README, "Shape key").
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.Models;
using LLM4EHR.Text;
using static TorchSharp.torch;

LLM4EHR.Runtime.OpenMpWaitPolicy.PreferPassive(); // before libtorch loads

// The demo's own inputs (written on first use, into folders the demo owns): synthetic IHM cohort + tiny Llama.
var config = ExperimentConfigLoader.Load("config/demo-ihm.yaml");
DemoAssets.EnsureCohort(config.Task, config.Data);
DemoAssets.EnsureTinyModel(config.Model);

// 1. A p2x record: one dict of the pickle, validated into an IcuStay.
var stay = P2xDataset.LoadSplit(config.Data.Root, config.Task, P2xSplit.Train).First(s => s.Notes.Length >= 2 && s.Labels[0] == 1);
Console.WriteLine($"1 record     {stay.Name}: label {stay.Labels[0]}, {stay.Notes.Length} notes, reg_ts [{stay.RegularSeries.Rows},{stay.RegularSeries.Cols}], irg_ts [{stay.IrregularSeries.Rows},{stay.IrregularSeries.Cols}]");

// 2. Note selection: notes inside the horizon, the first max_notes in time order, each rendered with the template.
var selection = config.Text.ToNoteSelection();
var picked = NoteSelection.Select(stay, selection);
string text = picked.Render(selection);
Console.WriteLine($"2 notes      {picked.Notes.Count} kept ({picked.OutsideHorizon} after the horizon, {picked.BeyondMaxNotes} beyond max_notes); rendered text {text.Length} chars");
Console.WriteLine($"             starts: {Escape(text[..Math.Min(90, text.Length)])}…");

// 3. Tokens: BOS + the rendered text, cut at max_tokens (synthetic notes, so printing them is fine).
var tokenizer = Llama3Tokenizer.FromModelFolder(config.Model.Path);
var tokenized = SplitTokenizer.TokenizeStay(stay, tokenizer, selection)!;
Console.WriteLine($"3 tokens     [{tokenized.TokenIds.Length}] (max_tokens {config.Text.MaxTokens}); first ids {string.Join(' ', tokenized.TokenIds.Take(8))}");
Console.WriteLine($"             decoded: {Escape(tokenizer.Decode(tokenized.TokenIds.Skip(1).Take(16)))}…");

// 4. Collate with a shorter second stay (the first 300 characters of its first note): padding, position ids from the mask.
var shortNote = new ClinicalNote(stay.Notes[0].Hour, stay.Notes[0].Text[..Math.Min(300, stay.Notes[0].Text.Length)]);
var other = SplitTokenizer.TokenizeStay(stay with { Name = "short", Notes = [shortNote] }, tokenizer, selection)!;
using var batch = TokenCollator.For(tokenizer, config.Text.PadSide).Collate([tokenized, other]);
Console.WriteLine($"4 batch      input_ids {Shape(batch.InputIds)}, attention_mask {Shape(batch.AttentionMask)}, position_ids {Shape(batch.PositionIds)}, labels {Shape(batch.Labels)}");
long real = batch.AttentionMask[1].sum().item<long>();
var positions = batch.PositionIds[1].data<long>().ToArray();
Console.WriteLine($"             row 2: {real} real tokens of {batch.SequenceLength}; position ids {positions[0]} {positions[1]} … {positions[real - 1]}, then {positions[real]} on padding");

// 5–7. The classifier: frozen Llama + LoRA on q/v + pooled head; forward by hand, hop by hop.
using var model = ClassifierFactory.Build(config, ClassifierFactory.ResolveCompute(config.Model));
model.SetTrainingMode(true);
var hidden = model.LastHiddenState(batch);                                      // [B, T, H]
Console.WriteLine($"5 hidden     {Shape(hidden)} (final-norm hidden states)");
var pooled = PooledClassifierHead.MaskedMean(hidden, batch.AttentionMask);      // [B, H]
Console.WriteLine($"6 pooled     {Shape(pooled)} (mean over real tokens only)");
var logits = model.Head.forward(hidden, batch.AttentionMask);                  // [B, K]
Console.WriteLine($"7 logits     {Shape(logits)}: {string.Join(", ", logits.data<float>().ToArray().Select(v => v.ToString("F4")))}");

// 8. Loss and gradients: BCE on the logits; backward reaches the adapters through the frozen base.
var loss = ClassificationLoss.BceWithLogits(logits, batch.Labels);             // []
loss.backward();
Console.WriteLine($"8 loss       BCE {loss.item<float>():F4}");
foreach (var (name, p) in model.TrainableParameters().Where(p => p.Name.Contains("layers.0.self_attn.q_proj")))
    Console.WriteLine($"9 gradient   {name} {Shape(p)}: |grad| {p.grad!.norm().item<float>():E3}");
Console.WriteLine($"             (lora_B starts at zero, so lora_A's gradient is zero on this first step; B's is not)");

static string Shape(Tensor t) => "[" + string.Join(',', t.shape) + "]";
static string Escape(string s) => s.Replace("\n", "\\n");
