"""PyTorch anchor for `llm4ehr bench train-step` (src/LLM4EHR.Benchmarks/README.md, "PyTorch anchor").

Mirrors the bench model and step of src/LLM4EHR.Benchmarks/BenchStep.cs as plain PyTorch code in the style of
Hugging Face transformers' eager LlamaModel + peft LoRA: a random Llama (hidden 256, 4 layers, 8 heads, 2 KV heads,
head dim 32, intermediate 704, vocab 32000, RMSNorm eps 1e-6, rope theta 10000, init normal(0, 0.02) as HF),
frozen; LoRA r 8 / alpha 32 / dropout 0.05 on q_proj and v_proj (A kaiming-uniform(a=sqrt 5), B zeros); all tokens
real; masked-mean pooled f32 linear head (1 label), BCEWithLogits, AdamW(lr 1e-4) on adapters + head. One timed
step is zero_grad + forward + backward + optimizer.step. Attention is causal softmax attention written out
(matmul, additive causal mask, f32 softmax, matmul; GQA by repeating k/v heads), as HF's eager path does:
PyTorch 1.13 has no scaled_dot_product_attention (it came in 2.0); the program uses it when present.
With --dtype bf16 the frozen base computes in bfloat16; adapters, pooling, head, loss and AdamW stay float32.

Two modes:
  standalone (default): --warmups then --runs steps; prints one line
      pytorch train-step: step_ms=… min_ms=… max_ms=… runs=… <info>
  --serve: prints `ready <info>`, then runs one step per `step` line read on stdin and prints `ms=<step ms>`;
      ends at EOF. `bench train-step --anchor pytorch` uses it to alternate its steps with ours.
<info> is key=value words: torch, blas, dtype, threads, attention, params (every parameter, adapters and head
included), trainable (adapters + head); the bench compares the two counts with its own model's.
"""
import argparse
import ctypes
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def parse_args(argv):
    p = argparse.ArgumentParser(prog="train_step_pytorch.py", description=__doc__.splitlines()[0])
    for name, default in [("hidden", 256), ("layers", 4), ("heads", 8), ("kv-heads", 2), ("intermediate", 704),
                          ("vocab", 32000), ("seq", 512), ("batch", 2), ("threads", 2), ("warmups", 2),
                          ("runs", 8), ("seed", 1)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--dtype", choices=["f32", "bf16"], default="f32")
    p.add_argument("--serve", action="store_true")
    return p.parse_args(argv)


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x):  # [B, T, H], variance in f32 as HF
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * h.to(x.dtype)


class LoraLinear(nn.Module):
    """peft's LoRA: base(x) + lora_B(lora_A(dropout(x))) * alpha / r, adapters in f32."""

    def __init__(self, base, r=8, alpha=32, dropout=0.05):
        super().__init__()
        self.base_layer = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.dropout = nn.Dropout(dropout)
        self.scaling = alpha / r

    def forward(self, x):
        y = self.base_layer(x)
        delta = self.lora_B(self.lora_A(self.dropout(x.to(self.lora_A.weight.dtype)))) * self.scaling
        return y + delta.to(y.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = a.heads, a.kv_heads, a.hidden // a.heads
        self.q_proj = nn.Linear(a.hidden, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(a.hidden, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(a.hidden, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, a.hidden, bias=False)

    def forward(self, x, cos, sin, causal):  # x [B, T, H]; cos/sin [B, 1, T, D]; causal [1, 1, T, T] additive
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)      # [B, A, T, D]
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)   # [B, G, T, D]
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)   # [B, G, T, D]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = self.heads // self.kv_heads  # HF repeat_kv: [B, G, T, D] -> [B, A, T, D]
        k = k[:, :, None].expand(b, self.kv_heads, groups, t, self.head_dim).reshape(b, self.heads, t, self.head_dim)
        v = v[:, :, None].expand(b, self.kv_heads, groups, t, self.head_dim).reshape(b, self.heads, t, self.head_dim)
        if hasattr(F, "scaled_dot_product_attention"):
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            w = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim) + causal           # [B, A, T, T]
            out = torch.matmul(F.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype), v)      # [B, A, T, D]
        return self.o_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class DecoderLayer(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.self_attn = Attention(a)
        self.gate_proj = nn.Linear(a.hidden, a.intermediate, bias=False)
        self.up_proj = nn.Linear(a.hidden, a.intermediate, bias=False)
        self.down_proj = nn.Linear(a.intermediate, a.hidden, bias=False)
        self.input_layernorm = RMSNorm(a.hidden)
        self.post_attention_layernorm = RMSNorm(a.hidden)

    def forward(self, x, cos, sin, causal):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, causal)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))  # SwiGLU


class Llama(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embed_tokens = nn.Embedding(a.vocab, a.hidden)
        self.layers = nn.ModuleList(DecoderLayer(a) for _ in range(a.layers))
        self.norm = RMSNorm(a.hidden)
        head_dim = a.hidden // a.heads
        self.register_buffer("inv_freq", 1.0 / 10000.0 ** (torch.arange(0, head_dim, 2).float() / head_dim), persistent=False)
        for m in self.modules():  # HF _init_weights, initializer_range 0.02
            if isinstance(m, (nn.Linear, nn.Embedding)):
                m.weight.data.normal_(0.0, 0.02)

    def forward(self, ids, positions):  # ids, positions [B, T] -> [B, T, H]
        h = self.embed_tokens(ids)
        freqs = positions[:, :, None].float() * self.inv_freq                    # [B, T, D/2]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None].to(h.dtype), emb.sin()[:, None].to(h.dtype)  # [B, 1, T, D]
        t = ids.shape[1]
        causal = torch.full((t, t), torch.finfo(h.dtype).min, dtype=h.dtype).triu(1)[None, None]  # [1, 1, T, T]
        for layer in self.layers:
            h = layer(h, cos, sin, causal)
        return self.norm(h)


def blas_name():
    """The BLAS libtorch loaded, from this process's memory map: openblas-<version>-<core>, or the library's name."""
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if "blas" in line.rsplit("/", 1)[-1] and ".so" in line})
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
        except (OSError, AttributeError):
            continue
        version = lib.openblas_get_config().decode().split()[1]
        return f"openblas-{version}-{lib.openblas_get_corename().decode()}"
    if any("/blas/libblas.so" in p for p in libs):
        return "netlib-reference"
    return libs[0].rsplit("/", 1)[-1] if libs else "none"


def build(a):
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    model = Llama(a)
    if a.dtype == "bf16":
        model.to(torch.bfloat16)
    model.requires_grad_(False)
    for layer in model.layers:  # the adapters are new f32 parameters that require grad; the base stays frozen
        layer.self_attn.q_proj = LoraLinear(layer.self_attn.q_proj)
        layer.self_attn.v_proj = LoraLinear(layer.self_attn.v_proj)
    model.train()
    head = nn.Linear(a.hidden, 1)
    trainable = [p for p in model.parameters() if p.requires_grad] + list(head.parameters())
    optimizer = torch.optim.AdamW(trainable, lr=1e-4)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq))
    mask = torch.ones(a.batch, a.seq, dtype=torch.long)                     # all tokens real
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    labels = torch.randint(0, 2, (a.batch, 1)).float()
    mask_f = mask.float()[:, :, None]                                       # [B, T, 1]

    def step():
        optimizer.zero_grad()
        hidden = model(ids, positions)                                      # [B, T, H]
        pooled = (hidden.float() * mask_f).sum(1) / mask_f.sum(1)           # [B, H] f32
        loss = F.binary_cross_entropy_with_logits(head(pooled), labels)
        loss.backward()
        optimizer.step()

    params = sum(p.numel() for p in model.parameters()) + sum(p.numel() for p in head.parameters())
    info = {
        "torch": torch.__version__, "blas": blas_name(), "dtype": a.dtype, "threads": torch.get_num_threads(),
        "attention": "sdpa" if hasattr(F, "scaled_dot_product_attention") else "explicit-softmax",
        "params": params, "trainable": sum(p.numel() for p in trainable),
    }
    return step, " ".join(f"{k}={v}" for k, v in info.items())


def timed(step):
    start = time.perf_counter()
    step()
    return (time.perf_counter() - start) * 1000


def main(argv):
    a = parse_args(argv)
    step, info = build(a)
    if a.serve:
        print("ready " + info, flush=True)
        for line in sys.stdin:
            if line.strip() == "step":
                print(f"ms={timed(step):.4f}", flush=True)
        return
    for _ in range(a.warmups):
        step()
    ms = sorted(timed(step) for _ in range(a.runs))
    n = len(ms)
    median = ms[n // 2] if n % 2 else (ms[n // 2 - 1] + ms[n // 2]) / 2
    print(f"pytorch train-step: step_ms={median:.1f} min_ms={ms[0]:.1f} max_ms={ms[-1]:.1f} runs={n} {info}")


if __name__ == "__main__":
    main(sys.argv[1:])
