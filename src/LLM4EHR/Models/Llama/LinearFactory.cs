using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Called by the loader once per linear projection while weights stream in, with the HF module name
/// (<c>model.layers.3.mlp.up_proj</c>), its weight [out, in] and bias [out] (null without bias), already in the
/// compute dtype on the compute device. Return a module to put in its place (e.g. an NF4 linear), or null to
/// keep a plain Linear holding these weights. The loader disposes its handles to weight and bias after the
/// call: a factory that keeps them must take its own reference (<c>weight.detach()</c> shares storage, no copy).
/// </summary>
public delegate nn.Module<Tensor, Tensor>? LinearFactory(string moduleName, Tensor weight, Tensor? bias);
