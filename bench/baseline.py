#!/usr/bin/python3
"""Plain-PyTorch baseline of the Weft decoder, written from docs/MODEL_FORMAT.md alone.

What a user might write instead of the C++ engine: it reads a model folder (config.json and
model.safetensors, parsed here with struct + json + torch.frombuffer), runs the same decoder
(RMSNorm, rotate-half rotary positions, SwiGLU, a KV cache with per-row validity) and the same
greedy image-token loop with classifier-free guidance as a batch of two rows.

Modes (all print one JSON object on stdout; errors go to stderr with exit status 1):
  --logits --ids 1,2,3      next-token logits after the ids (full causal forward pass)
  --work FILE               run the benchmark work written by `weft-cli bench` and print
                            its timings (seconds, bytes, tokens per second)
Run with Debian's python3-torch: /usr/bin/python3 bench/baseline.py --model DIR ...
"""

import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import torch

BLOCKED = -1e30


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    base = 8 + header_len
    buf = bytearray(data)  # torch.frombuffer needs a writable buffer to avoid a warning
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor '{name}' has dtype {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        count = (end - begin) // 4
        t = torch.frombuffer(buf, dtype=torch.float32, count=count, offset=base + begin)
        tensors[name] = t.view(entry["shape"]) if entry["shape"] else t.view([])
    return tensors


class Model:
    def __init__(self, directory):
        with open(os.path.join(directory, "config.json"), "r", encoding="utf-8") as f:
            self.config = json.load(f)
        c = self.config
        tc = c["transformer"]
        self.d = tc["d_model"]
        self.layers = tc["layers"]
        self.heads = tc["heads"]
        self.dh = self.d // self.heads
        self.eps = tc.get("norm_eps", 1e-5)
        self.context = tc["context_length"]
        theta = tc.get("rope_theta", 10000.0)
        # Vocabulary layout (MODEL_FORMAT.md, "Vocabulary layout").
        tv = c["text_vocab"]
        self.text_vocab = tv
        self.bos, self.eos, self.user, self.assistant, self.boi = tv, tv + 1, tv + 2, tv + 3, tv + 4
        self.image_base = tv + 9 + c["compression_tokens"]
        self.image_count = math.prod(c["codec"]["fsq_levels"])
        w = load_safetensors(os.path.join(directory, "model.safetensors"))
        self.emb = w["tok_embeddings.weight"]
        self.blocks = []
        for i in range(self.layers):
            p = f"layers.{i}."
            self.blocks.append({k: w[p + k + ".weight"] for k in (
                "attn_norm", "attn.wq", "attn.wk", "attn.wv", "attn.wo", "ffn_norm", "ffn.w1", "ffn.w3", "ffn.w2")})
        self.norm = w["norm.weight"]
        self.output = w["output.weight"]
        half = self.dh // 2
        j = torch.arange(half, dtype=torch.float64)
        inv = theta ** (-2.0 * j / self.dh)
        angle = torch.outer(torch.arange(self.context, dtype=torch.float64), inv)
        self.cos = torch.cat([angle.cos(), angle.cos()], 1).float()
        self.sin = torch.cat([angle.sin(), angle.sin()], 1).float()

    def rmsnorm(self, x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * weight

    def rope(self, x, cos, sin):
        half = self.dh // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * cos + rotated * sin

    def forward(self, ids, positions, new_mask, token_valid, cache):
        """ids, positions [B, T] long; new_mask [B, T, T] bool or None (causal); token_valid
        [B, T] bool or None; cache: a Cache or None (full pass). Returns hidden [B, T, d]."""
        b, t = ids.shape
        h = self.emb[ids]
        allow_new = new_mask if new_mask is not None else torch.ones(t, t, dtype=torch.bool).tril().expand(b, t, t)
        if token_valid is not None:
            allow_new = allow_new & token_valid.view(b, 1, t)
        if cache is not None and cache.valid is not None:
            s = cache.valid.shape[1]
            allow = torch.cat([cache.valid.view(b, 1, s).expand(b, t, s), allow_new], -1)
        else:
            allow = allow_new
        blocked = allow.logical_not().unsqueeze(1)  # [B, 1, T, S]
        cos = self.cos[positions].unsqueeze(1)
        sin = self.sin[positions].unsqueeze(1)
        scale = 1.0 / math.sqrt(self.dh)
        for i, w in enumerate(self.blocks):
            a = self.rmsnorm(h, w["attn_norm"])
            q = (a @ w["attn.wq"].t()).view(b, t, self.heads, self.dh).transpose(1, 2)
            k = (a @ w["attn.wk"].t()).view(b, t, self.heads, self.dh).transpose(1, 2)
            v = (a @ w["attn.wv"].t()).view(b, t, self.heads, self.dh).transpose(1, 2)
            q = self.rope(q, cos, sin)
            k = self.rope(k, cos, sin)
            if cache is not None:
                k, v = cache.append(i, k, v)
            scores = (q @ k.transpose(-2, -1)) * scale
            scores = scores.masked_fill(blocked, BLOCKED)
            out = torch.softmax(scores, -1) @ v
            h = h + out.transpose(1, 2).reshape(b, t, self.d) @ w["attn.wo"].t()
            x = self.rmsnorm(h, w["ffn_norm"])
            h = h + (torch.nn.functional.silu(x @ w["ffn.w1"].t()) * (x @ w["ffn.w3"].t())) @ w["ffn.w2"].t()
        if cache is not None:
            valid = token_valid if token_valid is not None else torch.ones(b, t, dtype=torch.bool)
            cache.valid = valid if cache.valid is None else torch.cat([cache.valid, valid], 1)
        return self.rmsnorm(h, self.norm)

    def logits(self, hidden):
        return hidden @ self.output.t()


class Cache:
    """Keys/values per layer [B, H, S, dh] grown with torch.cat, and a validity mask [B, S]."""

    def __init__(self, layers):
        self.keys = [None] * layers
        self.values = [None] * layers
        self.valid = None

    def append(self, layer, k, v):
        if self.keys[layer] is not None:
            k = torch.cat([self.keys[layer], k], 2)
            v = torch.cat([self.values[layer], v], 2)
        self.keys[layer], self.values[layer] = k, v
        return k, v

    def keep(self, slots):
        """Keeps only the given slot indices (dropping compressed example tokens)."""
        index = torch.tensor(slots, dtype=torch.long)
        self.keys = [k.index_select(2, index) for k in self.keys]
        self.values = [v.index_select(2, index) for v in self.values]
        self.valid = self.valid.index_select(1, index)

    def valid_slots(self, row=0):
        return int(self.valid[row].sum().item())


def tensor(rows):
    return torch.tensor(rows, dtype=torch.long)


def argmax_in(logits, begin, end):
    return begin + int(torch.argmax(logits[begin:end]).item())


def prefill(model, ids, mask=None):
    cache = Cache(model.layers)
    t = len(ids)
    new_mask = None if mask is None else mask.view(1, t, t)
    hidden = model.forward(tensor([ids]), tensor([list(range(t))]), new_mask, None, cache)
    return cache, hidden[0, t - 1]


def generate_image(model, cache, position, guidance):
    """Feeds boi after a prefilled prompt and decodes grid² image codes greedily."""
    grid2 = model.config["codec"]["grid"] ** 2
    lo, hi = model.image_base, model.image_base + model.image_count
    codes = []
    if guidance != 1.0:
        uncond = [model.bos, model.user, model.eos, model.assistant, model.boi]
        n = len(uncond)
        pair = Cache(model.layers)
        for i in range(model.layers):
            k, v = cache.keys[i], cache.values[i]
            pair.keys[i] = torch.cat([k, torch.zeros_like(k)], 0)
            pair.values[i] = torch.cat([v, torch.zeros_like(v)], 0)
        pair.valid = torch.cat([cache.valid, torch.zeros_like(cache.valid)], 0)
        rows = [[model.boi] + [model.eos] * (n - 1), uncond]
        pos = [[position] * n, list(range(n))]
        valid = torch.ones(2, n, dtype=torch.bool)
        valid[0, 1:] = False
        h = model.forward(tensor(rows), tensor(pos), None, valid, pair)
        cond_h, uncond_h = h[0, 0], h[1, n - 1]
        position += 1
        uncond_pos = n
        for step in range(grid2):
            both = model.logits(torch.stack([cond_h, uncond_h]))
            logits = both[1] + guidance * (both[0] - both[1])
            token = argmax_in(logits, lo, hi)
            codes.append(token - lo)
            if step + 1 == grid2:
                break
            h = model.forward(tensor([[token], [token]]), tensor([[position], [uncond_pos]]), None, None, pair)
            position += 1
            uncond_pos += 1
            cond_h, uncond_h = h[0, 0], h[1, 0]
    else:
        h = model.forward(tensor([[model.boi]]), tensor([[position]]), None, None, cache)[0, 0]
        position += 1
        for step in range(grid2):
            token = argmax_in(model.logits(h), lo, hi)
            codes.append(token - lo)
            if step + 1 == grid2:
                break
            h = model.forward(tensor([[token]]), tensor([[position]]), None, None, cache)[0, 0]
            position += 1
    return codes


def in_context_mask(stream):
    """MODEL_FORMAT.md, "In-context compression": causal, minus each pair's raw tokens for
    queries at or after the pair's groupEnd."""
    t = len(stream["ids"])
    mask = torch.ones(t, t, dtype=torch.bool).tril()
    group = torch.tensor(stream["example_group"], dtype=torch.long)
    for g, end in enumerate(stream["group_end"]):
        raw = (group == g)
        mask[end:, :] &= ~raw.view(1, t)
    return mask


def run_in_context(model, stream):
    mask = in_context_mask(stream)
    cache, _ = prefill(model, stream["ids"], mask)
    if stream["group_end"]:
        keep = [i for i, g in enumerate(stream["example_group"]) if g < 0]
        cache.keep(keep)
    kv_bytes = cache.valid_slots() * model.layers * 2 * model.d * 4
    generate_image(model, cache, len(stream["ids"]), 1.0)
    return kv_bytes


def best_of(repeats, fn):
    best = None
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def gemm_peak(repeats):
    best = 0.0
    for n in (1024, 2048):
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        torch.mm(a, b)
        seconds, _ = best_of(repeats, lambda: torch.mm(a, b))
        best = max(best, 2.0 * n ** 3 / seconds / 1e9)
    return best


def run_work(directory, work, repeats):
    with torch.no_grad():
        start = time.perf_counter()
        model = Model(directory)
        load_seconds = time.perf_counter() - start
        out = {"load_seconds": load_seconds}

        prompt = work["prompt"]
        text_range = (0, model.text_vocab)

        def first_token():
            cache, last = prefill(model, prompt)
            return cache, argmax_in(model.logits(last), *text_range)

        out["ttft_seconds"], _ = best_of(repeats, first_token)

        n_text = work["text_tokens"]

        def text_decode():
            cache, token = first_token()
            position = len(prompt)
            start = time.perf_counter()
            for _ in range(n_text):
                h = model.forward(tensor([[token]]), tensor([[position]]), None, None, cache)[0, 0]
                position += 1
                token = argmax_in(model.logits(h), *text_range)
            return time.perf_counter() - start

        text_seconds = min(text_decode() for _ in range(repeats))
        out["text_seconds_per_token"] = text_seconds / n_text
        out["text_tokens_per_second"] = n_text / text_seconds

        image_prompt = work["image_prompt"]
        for name, guidance in (("image_seconds", 1.0), ("image_guided_seconds", work["guidance_scale"])):
            def image():
                cache, _ = prefill(model, image_prompt)
                return generate_image(model, cache, len(image_prompt), guidance)
            out[name], codes = best_of(repeats, image)
            out[name.replace("_seconds", "_codes")] = codes

        for name, key in (("incontext", "in_context"), ("incontext_compressed", "in_context_compressed")):
            out[name + "_seconds"], kv = best_of(repeats, lambda: run_in_context(model, work[key]))
            out[name + "_kv_bytes"] = kv

        # Before the GEMM, whose 2048² operands would dominate the peak.
        out["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        out["gemm_peak_gflops"] = gemm_peak(repeats)
        out["torch_version"] = torch.__version__
        out["threads"] = torch.get_num_threads()
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="model folder")
    parser.add_argument("--logits", action="store_true", help="print next-token logits after --ids")
    parser.add_argument("--ids", default="", help="comma-separated token ids for --logits")
    parser.add_argument("--work", help="benchmark work file written by weft-cli bench")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch threads; 0 = torch's default")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        if args.logits:
            ids = [int(x) for x in args.ids.split(",") if x.strip()]
            if not ids:
                raise ValueError("--logits needs --ids")
            model = Model(args.model)
            with torch.no_grad():
                t = len(ids)
                hidden = model.forward(tensor([ids]), tensor([list(range(t))]), None, None, None)
                logits = model.logits(hidden[0, t - 1])
            json.dump({"logits": [float(x) for x in logits.tolist()]}, sys.stdout)
        elif args.work:
            with open(args.work, "r", encoding="utf-8") as f:
                work = json.load(f)
            json.dump(run_work(args.model, work, max(1, args.repeats)), sys.stdout)
        else:
            raise ValueError("expected --logits or --work")
        sys.stdout.write("\n")
    except Exception as e:  # one line on stderr for the caller
        sys.stderr.write(f"baseline.py: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
