"""Expected bytes and buckets for Tests/TensorBoardTests, from TensorBoard's own protos and
PyTorch's SummaryWriter histogram code (run with a venv that has torch and tensorboard):

    python scripts/tensorboard_fixtures.py

Prints Swift literals that the tests hold; rerun and paste if the fixtures change."""
import numpy as np
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary, HistogramProto
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard.summary import make_histogram


def hexes(data):
    return ", ".join(f"0x{b:02X}" for b in data)


scalar = Event(wall_time=1700000000.25, step=42,
               summary=Summary(value=[Summary.Value(tag="loss", simple_value=2.3125)]))
print("scalar event:", hexes(scalar.SerializeToString()))
version = Event(wall_time=1700000000.5, file_version="brain.Event:2")
print("version event:", hexes(version.SerializeToString()))
histo = HistogramProto(min=-1.5, max=2.0, num=3, sum=0.75, sum_squares=6.5,
                       bucket_limit=[-1.0, 0.5, 2.0], bucket=[1, 0, 2])
event = Event(wall_time=1.0, step=7, summary=Summary(value=[Summary.Value(tag="weights/fc1.weight", histo=histo)]))
print("histogram event:", hexes(event.SerializeToString()))

values = np.array([-0.75, -0.001, 0.0, 0.0, 2e-13, 0.3, 0.31, 1.5, 7.0], dtype=np.float64)
bins = SummaryWriter.__new__(SummaryWriter)
v, pos, neg = 1e-12, [], []
while v < 1e20:
    pos.append(v)
    neg.append(-v)
    v *= 1.1
edges = neg[::-1] + [0] + pos
h = make_histogram(values, np.array(edges))
print("buckets:", len(h.bucket), "first limit:", repr(h.bucket_limit[0]), "last limit:", repr(h.bucket_limit[-1]))
print("non-empty (limit, count):", [(repr(l), c) for l, c in zip(h.bucket_limit, h.bucket) if c > 0])
