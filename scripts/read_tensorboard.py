"""Reads a log folder with TensorBoard's own EventAccumulator and prints what it holds as one
JSON object, for the end-to-end tests (Tests/EndToEndTests/TensorBoardLogTests.swift):

    python3 scripts/read_tensorboard.py LOGDIR [WEIGHTS.safetensors]

{"scalars": {tag: [[step, value], ...]}, "histograms": {tag: [[step, min, max, num, sum,
sum_squares, bucket_total], ...]}, "weights": {name: [min, max, num, sum, sum_squares]}} where
"weights" are the statistics of a safetensors file's float32 tensors, computed here with numpy
(float64), so the test can compare them with the last histograms written."""
import json
import struct
import sys

import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main():
    accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    out = {"scalars": {}, "histograms": {}, "weights": {}}
    for tag in tags["scalars"]:
        out["scalars"][tag] = [[e.step, e.value] for e in accumulator.Scalars(tag)]
    for tag in tags["histograms"]:
        out["histograms"][tag] = [
            [e.step, h.min, h.max, h.num, h.sum, h.sum_squares, float(sum(h.bucket))]
            for e in accumulator.Histograms(tag)
            for h in [e.histogram_value]
        ]
    if len(sys.argv) > 2:
        with open(sys.argv[2], "rb") as f:
            data = f.read()
        (size,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8 : 8 + size])
        body = data[8 + size :]
        for name, info in header.items():
            if name == "__metadata__" or info["dtype"] != "F32":
                continue
            start, end = info["data_offsets"]
            v = np.frombuffer(body[start:end], dtype="<f4").astype(np.float64)
            out["weights"][name] = [v.min(), v.max(), float(v.size), v.sum(), float(v.dot(v))]
    json.dump(out, sys.stdout)


main()
