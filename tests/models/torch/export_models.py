"""Exports the small PyTorch networks of tests/models/torch the way users export them, and the
QDQ models onnxruntime's quantizer makes of some of them. Run deliberately, not by the tests
(PyPI's torch is a multi-gigabyte CUDA build):

    python3 -m venv /tmp/torch-venv
    /tmp/torch-venv/bin/pip install torch==2.15.0 onnxscript==0.7.2 onnx==1.23.2 onnxruntime==1.32.0 numpy==2.4.6
    /tmp/torch-venv/bin/python tests/models/torch/export_models.py

Pinned: torch 2.15.0, onnxscript 0.7.2, onnx 1.23.2, onnxruntime 1.32.0, numpy 2.4.6 (the script
checks them). Each network is exported twice: `torch.onnx.export(model, (x,), path)` with the
defaults (the dynamo exporter; weights in `<name>.onnx.data` beside the model) into dynamo/, and
with `dynamo=False` (the TorchScript exporter, opset 17) into torchscript/. The weights are
seeded; the tests compute the expected outputs themselves from the exported files."""
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import onnxscript
import torch
from torch import nn

PINNED = {"torch": "2.15.0", "onnxscript": "0.7.2", "onnx": "1.23.2", "onnxruntime": "1.32.0", "numpy": "2.4.6"}
HERE = Path(__file__).resolve().parent


def check_versions():
    found = {"torch": torch.__version__.split("+")[0], "onnxscript": onnxscript.__version__, "onnx": onnx.__version__,
             "onnxruntime": onnxruntime.__version__, "numpy": np.__version__}
    wrong = {k: v for k, v in found.items() if v != PINNED[k]}
    if wrong:
        sys.exit(f"pinned versions differ: {wrong} (expected {PINNED})")


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 5 * 5, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class Mlp(nn.Module):
    def __init__(self, bias=True):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 64, bias=bias), nn.ReLU(), nn.Linear(64, 10, bias=bias))

    def forward(self, x):
        return self.net(x)


class ViewMlp(nn.Module):
    """x.view(x.size(0), -1) instead of nn.Flatten."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.view(x.size(0), -1))))


class Sensor1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv1d(3, 8, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
                                 nn.Conv1d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
                                 nn.Linear(16, 4))

    def forward(self, x):
        return self.net(x)


def conv_bn_relu(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class VggBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_bn_relu(3, 8), conv_bn_relu(8, 8), nn.MaxPool2d(2), conv_bn_relu(8, 16),
                                      nn.MaxPool2d(2))
        self.classifier = nn.Linear(16, 10)

    def forward(self, x):
        return self.classifier(self.features(x).mean(dim=(2, 3)))


class DepthwiseSeparable(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU6())
        self.block = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8), nn.ReLU6(),
                                   nn.Conv2d(8, 16, 1), nn.BatchNorm2d(16), nn.ReLU6())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.block(self.stem(x))), 1))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn_relu(3, 8)
        self.branch = nn.Sequential(conv_bn_relu(8, 8), nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8))
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = self.stem(x)
        x = torch.relu(x + self.branch(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Head(nn.Module):
    """A small MLP whose hidden activation is `activation`."""

    def __init__(self, activation):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 16), activation, nn.Linear(16, 4))

    def forward(self, x):
        return self.net(x)


class SoftmaxCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 13 * 13, 10),
                                 nn.Softmax(dim=1))

    def forward(self, x):
        return self.net(x)


MODELS = {
    "lenet": (LeNet, [1, 1, 28, 28]),
    "mlp": (Mlp, [1, 1, 28, 28]),
    "mlp_no_bias": (lambda: Mlp(bias=False), [1, 1, 28, 28]),
    "view_mlp": (ViewMlp, [1, 1, 28, 28]),
    "sensor1d": (Sensor1d, [1, 3, 64]),
    "vgg_bn": (VggBn, [1, 3, 16, 16]),
    "depthwise_separable": (DepthwiseSeparable, [1, 3, 16, 16]),
    "residual": (Residual, [1, 3, 8, 8]),
    "head_sigmoid": (lambda: Head(nn.Sigmoid()), [1, 16]),
    "head_tanh": (lambda: Head(nn.Tanh()), [1, 16]),
    "head_hardsigmoid": (lambda: Head(nn.Hardsigmoid()), [1, 16]),
    "head_hardswish": (lambda: Head(nn.Hardswish()), [1, 16]),
    "softmax_cnn": (SoftmaxCnn, [1, 1, 28, 28]),
}


def build(name):
    torch.manual_seed(sum(name.encode()))
    factory, shape = MODELS[name]
    model = factory().eval()
    # BatchNorm with statistics that are not the identity, as after training.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model, torch.randn(shape)


QUANTIZED = ["lenet", "vgg_bn", "sensor1d", "depthwise_separable", "residual"]


class Calibration:
    """onnxruntime's calibration reader: 16 seeded inputs of the model's shape."""

    def __init__(self, name, shape):
        rng = np.random.default_rng(sum(name.encode()))
        self.batches = iter([{"x": rng.normal(0, 1, shape).astype(np.float32)} for _ in range(16)])

    def get_next(self):
        return next(self.batches, None)


def quantize_all():
    """onnxruntime's quantize_static as its documentation shows it (QDQ, int8 activations and
    weights), per tensor (the default) and per channel, of the TorchScript exports."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    folder = HERE / "qdq"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name in QUANTIZED:
        prepared = folder / f"{name}.prepared.onnx"
        quant_pre_process(str(HERE / "torchscript" / f"{name}.onnx"), str(prepared))
        for per_channel in (False, True):
            path = folder / f"{name}_{'per_channel' if per_channel else 'per_tensor'}.onnx"
            quantize_static(str(prepared), str(path), Calibration(name, MODELS[name][1]), quant_format=QuantFormat.QDQ,
                            activation_type=QuantType.QInt8, weight_type=QuantType.QInt8, per_channel=per_channel)
            print(f"qdq/{path.name}")
        prepared.unlink()


def export_all():
    for exporter in ("dynamo", "torchscript"):
        folder = HERE / exporter
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name in MODELS:
            model, x = build(name)
            path = folder / f"{name}.onnx"
            if exporter == "dynamo":
                torch.onnx.export(model, (x,), str(path))  # the defaults, as users call it
            else:
                torch.onnx.export(model, (x,), str(path), dynamo=False, input_names=["x"], output_names=["y"])
            print(f"{exporter}/{name}.onnx", "(+ .data)" if (folder / f"{name}.onnx.data").exists() else "")


if __name__ == "__main__":
    check_versions()
    export_all()
    quantize_all()
