"""Exports the towers of towers.py to ONNX (random weights, dynamic batch) for the ONNX
Runtime peer. usage: export_onnx.py CONFIG.json OUT_DIR"""
import os
import sys

import torch

from towers import Text, Vision, inputs, load_config

cfg = load_config(sys.argv[1])
os.makedirs(sys.argv[2], exist_ok=True)
torch.manual_seed(0)
pixels, ids = inputs(cfg, 2)
for name, model, x in (("vision", Vision(cfg).eval(), pixels), ("text", Text(cfg).eval(), ids)):
    torch.onnx.export(model, (x,), os.path.join(sys.argv[2], name + ".onnx"), input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=14)
