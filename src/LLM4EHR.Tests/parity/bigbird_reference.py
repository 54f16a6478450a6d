#!/usr/bin/env python3
"""Reference outputs for the C# BigBirdModel: a plain-PyTorch re-implementation of Hugging Face's BigBird forward.

Follows transformers' src/transformers/models/big_bird/modeling_big_bird.py at commit
48c8c8db5b8da573592bcdd5193869c18bab51af (the 4.5x line: BigBirdEmbeddings, BigBirdSelfAttention,
BigBirdBlockSparseAttention.bigbird_block_sparse_attention, BigBirdSelfOutput/Intermediate/Output, BigBirdModel.forward
with _pad_to_block_size, create_masks_for_block_sparse_attn and the pooler), in eval mode, written out here without
transformers so the reference needs only Debian's python3-torch (`apt-get install -y --no-install-recommends python3-torch`).

What it reproduces, as HF does it:
- embeddings: word (+ optional sqrt(H) rescale) + token type + absolute position (0..T-1), dropout, then LayerNorm;
- BigBirdModel.forward's rule: block_sparse falls back to original_full when T <= (5 + 2 * num_random_blocks) * block_size;
  otherwise the input is padded to a multiple of block_size (pad id, mask 0) and unpadded after the encoder;
- original_full: softmax(q k^T / sqrt(D) + (1 - mask) * finfo.min) v;
- block_sparse in its five parts (q[0] and q[-1] global over all keys; q[1], q[2:-2], q[-2] over global blocks,
  the sliding window and random blocks), masks with the -10000 penalty, context * from_mask;
- random blocks: in eval mode HF's _bigbird_block_rand_mask(_with_head) return all zeros ("During inference (eval) no
  randomness"), i.e. every random slot is key block 0 (counted again in the softmax); this script does the same.
  Training-mode random draws (NumPy legacy MT19937 seeded with the layer index) are not reproduced.
- post-LN layers, gelu_new / gelu, the pooler tanh(Linear(h[:, 0])) with keys pooler.weight / pooler.bias.

Writes one case folder per case under src/LLM4EHR.Tests/fixtures-generated/bigbird-parity/<case>/ in the layout of the
shared bert/longformer parity fixtures: config.json, model.safetensors (F32, keys prefixed "bert." plus a "cls.*" head
tensor as a BigBirdForMaskedLM checkpoint has), inputs.json (input_ids, token_type_ids, attention_mask; right-padded with
id 0), expected.safetensors (F32: last_hidden_state [B,T,H], pooler_output [B,H], mean_pooled [B,H]).
Usage: /usr/bin/python3 src/LLM4EHR.Tests/parity/bigbird_reference.py [--out DIR]
"""
import argparse
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

CASES = [
    # name, config overrides, batch rows' real lengths, total length T, seed
    ("tiny-block-sparse", dict(block_size=4, num_random_blocks=1), [45, 30], 45, 1),
    ("tiny-block-sparse-r2-rescale-nobias", dict(block_size=4, num_random_blocks=2, rescale_embeddings=True,
                                                 use_bias=False, hidden_act="gelu"), [61, 47], 61, 2),
    ("tiny-short-falls-back-to-full", dict(block_size=4, num_random_blocks=1), [20, 13], 20, 3),
    ("tiny-original-full", dict(attention_type="original_full", block_size=4, num_random_blocks=1), [24, 9], 24, 4),
]

BASE_CONFIG = {
    "architectures": ["BigBirdForMaskedLM"],
    "model_type": "big_bird",
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 64,
    "hidden_act": "gelu_new",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 64,
    "type_vocab_size": 2,
    "vocab_size": 70,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "sep_token_id": 66,
    "attention_type": "block_sparse",
    "use_bias": True,
    "rescale_embeddings": False,
    "block_size": 64,
    "num_random_blocks": 3,
    "position_embedding_type": "absolute",
    "torch_dtype": "float32",
}

PENALTY = -10000.0  # HF's attn_mask_penalty in bigbird_block_sparse_attention


def random_weights(cfg, gen):
    """Base-model weights under HF's BigBirdModel names; larger than HF's 0.02 init so attention is far from uniform."""
    h, i, heads = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_attention_heads"]

    def normal(*shape, std):
        return torch.randn(*shape, generator=gen) * std

    w = {
        "embeddings.word_embeddings.weight": normal(cfg["vocab_size"], h, std=0.5),
        "embeddings.position_embeddings.weight": normal(cfg["max_position_embeddings"], h, std=0.5),
        "embeddings.token_type_embeddings.weight": normal(cfg["type_vocab_size"], h, std=0.5),
        "embeddings.LayerNorm.weight": 1 + normal(h, std=0.1),
        "embeddings.LayerNorm.bias": normal(h, std=0.1),
    }
    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        for name in ("query", "key", "value"):
            w[p + f"attention.self.{name}.weight"] = normal(h, h, std=0.6 / math.sqrt(h))
            if cfg["use_bias"]:
                w[p + f"attention.self.{name}.bias"] = normal(h, std=0.1)
        for name, (out_f, in_f) in (("attention.output.dense", (h, h)), ("intermediate.dense", (i, h)),
                                    ("output.dense", (h, i))):
            w[p + name + ".weight"] = normal(out_f, in_f, std=1.0 / math.sqrt(in_f))
            w[p + name + ".bias"] = normal(out_f, std=0.1)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + name + ".weight"] = 1 + normal(h, std=0.1)
            w[p + name + ".bias"] = normal(h, std=0.1)
    w["pooler.weight"] = normal(h, h, std=1.0 / math.sqrt(h))
    w["pooler.bias"] = normal(h, std=0.1)
    return w


def activation(x, name):
    if name == "gelu":
        return F.gelu(x)
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    raise ValueError(name)


def linear(w, name, x):
    return F.linear(x, w[name + ".weight"], w.get(name + ".bias"))


def heads(x, n_heads):
    b, t, h = x.shape
    return x.view(b, t, n_heads, h // n_heads).transpose(1, 2)  # [B, A, T, D]


def full_attention(q, k, v, mask):
    """original_full: HF's extended mask (1 - mask) * finfo.min added to the scaled scores."""
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    scores = scores + (1.0 - mask[:, None, None, :]) * torch.finfo(q.dtype).min
    return F.softmax(scores, dim=-1) @ v


def block_sparse_attention(q, k, v, mask, bs, r):
    """HF's five-part block-sparse attention in eval mode (every random block index is 0). q, k, v [B, A, T, D]."""
    b, a, t, d = q.shape
    nb = t // bs
    rsqrt = 1.0 / math.sqrt(d)
    blocked_mask = mask.view(b, nb, bs)  # [B, N, S]
    to_mask = mask.view(b, 1, 1, t)
    from_mask = mask.view(b, 1, t, 1)
    rand_attn = torch.zeros(b, a, nb - 2, r, dtype=torch.long)  # eval: no randomness
    qb, kb, vb = (x.view(b, a, nb, bs, d) for x in (q, k, v))

    def gather_blocks(blocks, idx):  # blocks [B, A, N, S, D], idx [B, A, M, R] -> [B, A, M, R*S, D]
        m = idx.shape[2]
        out = torch.stack([torch.stack([blocks[i, j][idx[i, j].reshape(-1)] for j in range(a)]) for i in range(b)])
        return out.view(b, a, m, r * bs, d)

    rand_k, rand_v = gather_blocks(kb, rand_attn), gather_blocks(vb, rand_attn)
    # mask of the random key blocks for each middle query block, times the query (from) mask: [B, A, N-2, S, R*S]
    rand_to = torch.stack([blocked_mask[i][rand_attn[i].reshape(-1)] for i in range(b)]).view(b, a, nb - 2, r * bs)
    rand_mask = blocked_mask[:, 1:-1][:, None, :, :, None] * rand_to[:, :, :, None, :]

    def attend(query, keys, values, keep):  # one softmax over the listed keys; keep is 1 where the key may be seen
        scores = query @ keys.transpose(-1, -2) * rsqrt + (1.0 - keep) * PENALTY
        return F.softmax(scores, dim=-1) @ values

    # part 1 and 5: first and last query blocks see every key
    first = attend(qb[:, :, 0], k, v, to_mask)
    last = attend(qb[:, :, -1], k, v, to_mask)
    # part 2: q[1] sees blocks 0, 1, 2, last, and its random blocks
    keys = torch.cat([kb[:, :, 0], kb[:, :, 1], kb[:, :, 2], kb[:, :, -1], rand_k[:, :, 0]], dim=2)
    values = torch.cat([vb[:, :, 0], vb[:, :, 1], vb[:, :, 2], vb[:, :, -1], rand_v[:, :, 0]], dim=2)
    seq_keep = torch.cat([to_mask[..., :3 * bs], to_mask[..., -bs:], torch.ones(b, 1, 1, r * bs)], dim=3)
    rand_keep = torch.cat([torch.ones(b, a, bs, 4 * bs), rand_mask[:, :, 0]], dim=3)
    second = attend(qb[:, :, 1], keys, values, torch.minimum(seq_keep, rand_keep))
    # part 4: q[-2] sees blocks 0, -3, -2, -1, and its random blocks
    keys = torch.cat([kb[:, :, 0], kb[:, :, -3], kb[:, :, -2], kb[:, :, -1], rand_k[:, :, -1]], dim=2)
    values = torch.cat([vb[:, :, 0], vb[:, :, -3], vb[:, :, -2], vb[:, :, -1], rand_v[:, :, -1]], dim=2)
    seq_keep = torch.cat([to_mask[..., :bs], to_mask[..., -3 * bs:], torch.ones(b, 1, 1, r * bs)], dim=3)
    rand_keep = torch.cat([torch.ones(b, a, bs, 4 * bs), rand_mask[:, :, -1]], dim=3)
    second_last = attend(qb[:, :, -2], keys, values, torch.minimum(seq_keep, rand_keep))
    # part 3: q[2:-2] see block 0, the sliding window (3 blocks), random blocks, block -1
    mid_q = qb[:, :, 2:-2]  # [B, A, N-4, S, D]
    window_k = torch.cat([kb[:, :, 1:-3], kb[:, :, 2:-2], kb[:, :, 3:-1]], dim=3)  # [B, A, N-4, 3S, D]
    window_v = torch.cat([vb[:, :, 1:-3], vb[:, :, 2:-2], vb[:, :, 3:-1]], dim=3)
    band_to = torch.cat([blocked_mask[:, 1:-3], blocked_mask[:, 2:-2], blocked_mask[:, 3:-1]], dim=2)  # [B, N-4, 3S]
    band_mask = (blocked_mask[:, 2:-2, :, None] * band_to[:, :, None, :])[:, None]  # [B, 1, N-4, S, 3S]
    s_first = mid_q @ kb[:, :, 0][:, :, None].transpose(-1, -2) * rsqrt + \
        (1.0 - to_mask[..., :bs].unsqueeze(3)) * PENALTY
    s_window = mid_q @ window_k.transpose(-1, -2) * rsqrt + (1.0 - band_mask) * PENALTY
    s_rand = mid_q @ rand_k[:, :, 1:-1].transpose(-1, -2) * rsqrt + (1.0 - rand_mask[:, :, 1:-1]) * PENALTY
    s_last = mid_q @ kb[:, :, -1][:, :, None].transpose(-1, -2) * rsqrt + \
        (1.0 - to_mask[..., -bs:].unsqueeze(3)) * PENALTY
    probs = F.softmax(torch.cat([s_first, s_window, s_rand, s_last], dim=-1), dim=-1)
    middle = probs[..., bs:4 * bs] @ window_v
    middle = middle + probs[..., 4 * bs:-bs] @ rand_v[:, :, 1:-1]
    middle = middle + probs[..., :bs] @ vb[:, :, 0][:, :, None]
    middle = middle + probs[..., -bs:] @ vb[:, :, -1][:, :, None]

    context = torch.cat([first[:, :, None], second[:, :, None], middle, second_last[:, :, None], last[:, :, None]], dim=2)
    return context.view(b, a, t, d) * from_mask


def forward(cfg, w, input_ids, token_type_ids, attention_mask):
    b, t = input_ids.shape
    h, n_heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    bs, r = cfg["block_size"], cfg["num_random_blocks"]
    sparse = cfg["attention_type"] == "block_sparse" and t > (5 + 2 * r) * bs  # BigBirdModel.forward's fallback
    pad = (bs - t % bs) % bs if sparse else 0
    if pad:
        input_ids = F.pad(input_ids, (0, pad), value=cfg["pad_token_id"])
        token_type_ids = F.pad(token_type_ids, (0, pad), value=0)
        attention_mask = F.pad(attention_mask, (0, pad), value=0)
    mask = attention_mask.float()
    tp = input_ids.shape[1]

    x = w["embeddings.word_embeddings.weight"][input_ids]
    if cfg["rescale_embeddings"]:
        x = x * (h ** 0.5)
    x = x + w["embeddings.token_type_embeddings.weight"][token_type_ids]
    x = x + w["embeddings.position_embeddings.weight"][torch.arange(tp)][None]
    x = F.layer_norm(x, (h,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)

    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        q = heads(linear(w, p + "attention.self.query", x), n_heads)
        k = heads(linear(w, p + "attention.self.key", x), n_heads)
        v = heads(linear(w, p + "attention.self.value", x), n_heads)
        ctx = block_sparse_attention(q, k, v, mask, bs, r) if sparse else full_attention(q, k, v, mask)
        ctx = ctx.transpose(1, 2).reshape(b, tp, h)
        a = F.layer_norm(linear(w, p + "attention.output.dense", ctx) + x, (h,),
                         w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        inter = activation(linear(w, p + "intermediate.dense", a), cfg["hidden_act"])
        x = F.layer_norm(linear(w, p + "output.dense", inter) + a, (h,),
                         w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)

    pooled = torch.tanh(F.linear(x[:, 0], w["pooler.weight"], w["pooler.bias"]))
    return x[:, :t], pooled, sparse


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "..", "fixtures-generated", "bigbird-parity"))
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    for name, overrides, lengths, t, seed in CASES:
        cfg = dict(BASE_CONFIG, **overrides)
        gen = torch.Generator().manual_seed(seed)
        w = random_weights(cfg, gen)
        b = len(lengths)
        input_ids = torch.randint(3, cfg["vocab_size"], (b, t), generator=gen)
        attention_mask = torch.zeros(b, t, dtype=torch.long)
        token_type_ids = torch.zeros(b, t, dtype=torch.long)
        for row, n in enumerate(lengths):
            attention_mask[row, :n] = 1
            input_ids[row, n:] = cfg["pad_token_id"]
            token_type_ids[row, n // 2:n] = 1
        hidden, pooled, sparse = forward(cfg, w, input_ids, token_type_ids, attention_mask)
        m = attention_mask[..., None].float()
        mean = (hidden * m).sum(1) / m.sum(1)

        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        stored = {"bert." + k: v for k, v in w.items()}
        stored["cls.predictions.bias"] = torch.zeros(cfg["vocab_size"])  # an MLM head tensor the encoder ignores
        write_safetensors(os.path.join(folder, "model.safetensors"), stored)
        with open(os.path.join(folder, "inputs.json"), "w") as f:
            json.dump({"input_ids": input_ids.tolist(), "token_type_ids": token_type_ids.tolist(),
                       "attention_mask": attention_mask.tolist()}, f)
        write_safetensors(os.path.join(folder, "expected.safetensors"),
                          {"last_hidden_state": hidden, "pooler_output": pooled, "mean_pooled": mean})
        print(f"{name}: T={t} {'block_sparse' if sparse else 'full attention'} -> {folder}")


if __name__ == "__main__":
    main()
