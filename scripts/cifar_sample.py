#!/usr/bin/env python3
"""Writes a small folder in CIFAR-10's binary format (data_batch_1.bin, test_batch.bin) of
synthetic 32x32 pictures, one simple scene per class (sky above, ground or water below, an object
in its typical colour), for trying `blitz-tui --dataset cifar10:DIR` where the real archive cannot
be downloaded. Each record: the label byte, then the red, green and blue planes, 32 rows of 32
from the top-left, as in the real files. Standard library only.

    python3 scripts/cifar_sample.py /tmp/cifar-sample [--train 500] [--test 100] [--seed 0]
"""
import argparse
import os
import random

SKY = (110, 160, 230)
GRASS = (60, 140, 50)
ROAD = (110, 110, 110)
WATER = (30, 70, 160)
SOIL = (120, 85, 50)

# class: (upper background, lower background, horizon row, object colour, object shape)
SCENES = [
    (SKY, SKY, 32, (200, 200, 205), "plane"),      # airplane
    (SKY, ROAD, 22, (200, 30, 30), "car"),        # automobile
    (SKY, SKY, 32, (140, 90, 40), "blob"),        # bird
    ((220, 200, 170), (220, 200, 170), 32, (230, 140, 40), "blob"),  # cat
    (SKY, GRASS, 18, (150, 100, 50), "tall"),     # deer
    ((230, 220, 200), GRASS, 20, (200, 160, 100), "blob"),  # dog
    (SOIL, SOIL, 32, (40, 180, 40), "blob"),      # frog
    (SKY, GRASS, 18, (90, 50, 20), "tall"),       # horse
    (SKY, WATER, 18, (240, 240, 240), "hull"),    # ship
    (SKY, ROAD, 22, (230, 200, 30), "truck"),     # truck
]


def inside(shape, x, y, cx, cy):
    dx, dy = x - cx, y - cy
    if shape == "plane":
        return (abs(dy) <= 2 and abs(dx) <= 11) or (abs(dx) <= 2 and abs(dy) <= 8 and dx >= -dy // 3 - 2)
    if shape == "car":
        return (-4 <= dy <= 2 and abs(dx) <= 10) or (-8 <= dy < -4 and abs(dx) <= 5)
    if shape == "truck":
        return (-10 <= dy <= 2 and -10 <= dx <= 4) or (-5 <= dy <= 2 and 4 < dx <= 10)
    if shape == "tall":
        return (abs(dx) <= 7 and -3 <= dy <= 3) or (5 <= dx <= 8 and -9 <= dy < -3) or (abs(dx) in (5, 6) and 3 < dy <= 9)
    if shape == "hull":
        return (0 <= dy <= 4 and abs(dx) <= 12 - dy) or (-6 <= dy < 0 and abs(dx) <= 3)
    return dx * dx + dy * dy * 1.4 <= 64


def picture(label, rng):
    upper, lower, horizon, colour, shape = SCENES[label]
    cx = 16 + rng.randint(-4, 4)
    cy = (horizon if horizon < 32 else 16) + rng.randint(-3, 2)
    if shape in ("plane", "blob", "hull") and horizon < 32:
        cy = horizon - 1
    shade = rng.uniform(0.8, 1.15)
    planes = [[0] * 1024 for _ in range(3)]
    for y in range(32):
        for x in range(32):
            base = upper if y < horizon else lower
            rgb = colour if inside(shape, x, y, cx, cy) else base
            for c in range(3):
                v = rgb[c] * shade + rng.gauss(0, 10)
                planes[c][y * 32 + x] = max(0, min(255, int(v)))
    return bytes([label] + planes[0] + planes[1] + planes[2])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--train", type=int, default=500)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.folder, exist_ok=True)
    for name, count in (("data_batch_1.bin", args.train), ("test_batch.bin", args.test)):
        with open(os.path.join(args.folder, name), "wb") as f:
            for i in range(count):
                f.write(picture(rng.randrange(10), rng))


if __name__ == "__main__":
    main()
