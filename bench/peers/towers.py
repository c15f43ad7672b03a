"""The CLIP / SigLIP towers in plain PyTorch, built from a Hugging Face config.json.

Same layers, shapes and FLOPs as transformers' CLIPModel / SiglipModel (random weights:
only speed is measured here; correctness is proven against the real reference with the
golden models). Written out because Debian ships no python3-transformers. The text tower
runs over all positions (77 for CLIP, 64 for SigLIP), as transformers does.
"""
import json
import math

import torch
from torch import nn

ACTS = {
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
    "gelu": nn.functional.gelu,
    "gelu_pytorch_tanh": lambda x: nn.functional.gelu(x, approximate="tanh"),
}

DEFAULTS = {
    "clip": {"text": dict(hidden_size=512, intermediate_size=2048, num_hidden_layers=12, num_attention_heads=8,
                          max_position_embeddings=77, vocab_size=49408, hidden_act="quick_gelu"),
             "vision": dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                            image_size=224, patch_size=32, hidden_act="quick_gelu")},
    "siglip": {"text": dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                            max_position_embeddings=64, vocab_size=32000, hidden_act="gelu_pytorch_tanh"),
               "vision": dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                              image_size=224, patch_size=16, hidden_act="gelu_pytorch_tanh")},
}


def load_config(path):
    c = json.load(open(path))
    family = c["model_type"]
    out = {"family": family, "projection_dim": c.get("projection_dim", 512)}
    for tower in ("text", "vision"):
        t = dict(DEFAULTS[family][tower])
        t.update({k: v for k, v in (c.get(tower + "_config") or {}).items() if k in t})
        out[tower] = t
    return out


class Layer(nn.Module):
    def __init__(self, d, m, heads, act, causal):
        super().__init__()
        self.heads, self.causal, self.act = heads, causal, ACTS[act]
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(d, m), nn.Linear(m, d)

    def forward(self, x):
        b, t, d = x.shape
        h = self.ln1(x)
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        s = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
        if self.causal:
            s = s + torch.full((t, t), float("-inf")).triu(1)
        a = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o(a)
        return x + self.fc2(self.act(self.fc1(self.ln2(x))))


class Vision(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        v = cfg["vision"]
        d, p = v["hidden_size"], v["patch_size"]
        self.siglip = cfg["family"] == "siglip"
        self.patch = nn.Conv2d(3, d, p, p, bias=self.siglip)
        n = (v["image_size"] // p) ** 2 + (0 if self.siglip else 1)
        self.cls = nn.Parameter(torch.randn(d) * 0.02)
        self.pos = nn.Parameter(torch.randn(n, d) * 0.02)
        self.pre = nn.LayerNorm(d)
        self.layers = nn.ModuleList(Layer(d, v["intermediate_size"], v["num_attention_heads"], v["hidden_act"], False)
                                    for _ in range(v["num_hidden_layers"]))
        self.post = nn.LayerNorm(d)
        if self.siglip:
            self.probe = nn.Parameter(torch.randn(1, 1, d) * 0.02)
            self.pool = nn.MultiheadAttention(d, v["num_attention_heads"], batch_first=True)
            self.head_ln = nn.LayerNorm(d)
            self.fc1, self.fc2 = nn.Linear(d, v["intermediate_size"]), nn.Linear(v["intermediate_size"], d)
            self.act = ACTS[v["hidden_act"]]
        else:
            self.proj = nn.Linear(d, cfg["projection_dim"], bias=False)

    def forward(self, pixels):
        x = self.patch(pixels).flatten(2).transpose(1, 2)
        if not self.siglip:
            x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], 1)
        x = x + self.pos
        if not self.siglip:
            x = self.pre(x)
        for layer in self.layers:
            x = layer(x)
        if not self.siglip:
            return self.proj(self.post(x[:, 0]))
        x = self.post(x)
        h = self.pool(self.probe.expand(x.shape[0], -1, -1), x, x, need_weights=False)[0]
        h = h + self.fc2(self.act(self.fc1(self.head_ln(h))))
        return h[:, 0]


class Text(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        t = cfg["text"]
        d = t["hidden_size"]
        self.siglip = cfg["family"] == "siglip"
        self.tok = nn.Embedding(t["vocab_size"], d)
        self.pos = nn.Parameter(torch.randn(t["max_position_embeddings"], d) * 0.02)
        self.layers = nn.ModuleList(Layer(d, t["intermediate_size"], t["num_attention_heads"], t["hidden_act"],
                                          not self.siglip) for _ in range(t["num_hidden_layers"]))
        self.final = nn.LayerNorm(d)
        self.head = nn.Linear(d, d) if self.siglip else nn.Linear(d, cfg["projection_dim"], bias=False)

    def forward(self, ids):
        x = self.tok(ids) + self.pos[: ids.shape[1]]
        for layer in self.layers:
            x = layer(x)
        x = self.final(x)
        pooled = x[:, -1] if self.siglip else x[torch.arange(x.shape[0]), ids.argmax(-1)]
        return self.head(pooled)


def inputs(cfg, batch):
    s = cfg["vision"]["image_size"]
    n = cfg["text"]["max_position_embeddings"]
    pixels = torch.randn(batch, 3, s, s)
    ids = torch.full((batch, n), 49407 if cfg["family"] == "clip" else 1, dtype=torch.long)
    ids[:, :10] = torch.randint(100, 1000, (batch, 10))
    return pixels, ids
