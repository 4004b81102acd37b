"""Trains the example CNN on Fashion-MNIST (Debian's dataset-fashion-mnist) and exports it
to ONNX. The result, fashion_cnn.onnx, is committed, so `make demo` never trains.

    python3 train.py --out fashion_cnn.onnx     (needs: torch, onnx, numpy)

The network is small on purpose: two conv(3x3)+ReLU+maxpool(2) blocks and one dense layer
(about 9k parameters), the kind of model a dataflow accelerator on an XC7Z020 is for.
"""
import argparse
import gzip
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

DATASET = Path("/usr/share/datasets/fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(DATASET / f"{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    labels = read_idx(DATASET / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return images[:, None, :, :], labels


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def accuracy(model, images, labels):
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(images))
    return float((logits.argmax(1).numpy() == labels).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("fashion_cnn.onnx"))
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    train_x, train_y = load("train")
    test_x, test_y = load("test")
    model = FashionCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        order = np.random.permutation(len(train_x))
        for start in range(0, len(order), 128):
            batch = order[start:start + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(torch.from_numpy(train_x[batch])), torch.from_numpy(train_y[batch]))
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch + 1}: test accuracy {accuracy(model, test_x, test_y):.4f}", flush=True)

    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, input_names=["image"],
                      output_names=["logits"], opset_version=13, dynamo=False)
    info = {"test_accuracy_torch": accuracy(model, test_x, test_y), "epochs": args.epochs, "seed": args.seed,
            "torch": torch.__version__, "input": "image [1,1,28,28] float32 in [0,1]", "output": "logits [1,10]"}
    args.out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info))


if __name__ == "__main__":
    main()
