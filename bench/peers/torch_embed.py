"""PyTorch peer of `shoebox bench embed`: embeddings/s at batch 1 and 32, one JSON line.

Run with Debian's python3 and python3-torch, at PyTorch's best on this machine (see
bench/embed.sh: OpenMP OpenBLAS, tcmalloc, as many threads as shoebox).
usage: torch_embed.py CONFIG.json THREADS SECONDS [bf16]
"""
import json
import sys
import time

import torch

from towers import Text, Vision, inputs, load_config


def rate(fn, batch, seconds, warm_up=True):
    if warm_up:
        fn(batch)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds or n == 0:
        fn(batch)
        n += batch
    return n / (time.perf_counter() - t0)


def main():
    config, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    bf16 = len(sys.argv) > 4 and sys.argv[4] == "bf16"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = load_config(config)
    vision, text = Vision(cfg).eval(), Text(cfg).eval()
    pixels, ids = inputs(cfg, 32)

    def images(b):
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            vision(pixels[:b])

    def texts(b):
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            text(ids[:b])

    out = {"peer": "pytorch-bf16" if bf16 else "pytorch", "version": torch.__version__, "threads": threads}
    if bf16:
        # Only what the target compares (image batch 32). Without bf16 hardware (AVX-512
        # BF16 / AMX) one batch takes minutes, so it is timed once, without a warm-up.
        out["image_per_s_b32"] = rate(images, 32, 0, warm_up=False)
    else:
        out["image_per_s_b1"] = rate(images, 1, seconds)
        out["image_per_s_b8"] = rate(images, 8, seconds)
        out["image_per_s_b32"] = rate(images, 32, seconds)
        out["text_per_s_b1"] = rate(texts, 1, seconds)
        out["text_per_s_b32"] = rate(texts, 32, seconds)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
