"""Prints torch.utils.data.DistributedSampler's indices (shuffle=False) for the cases that
Tests/AutogradTests/DistributedSamplerTests.swift checks; run with a Python that has torch."""
from torch.utils.data import DistributedSampler

CASES = [(10, 3, False), (10, 3, True), (2, 5, False), (7, 2, True), (7, 2, False)]

for count, replicas, drop_last in CASES:
    ranks = [list(DistributedSampler(list(range(count)), num_replicas=replicas, rank=r, shuffle=False,
                                     drop_last=drop_last)) for r in range(replicas)]
    print(f"({count}, {replicas}, {str(drop_last).lower()}, {ranks}),")
