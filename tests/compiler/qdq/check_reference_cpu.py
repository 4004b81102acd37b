"""The QDQ mnist-8 reference does not depend on the CPU it is computed on.

make_qdq_mnist.py writes the operator definitions' outputs (onnxruntime with optimizations off,
checked bit for bit against onnx's reference evaluator). This test computes them again on the
host CPU and on an emulated AVX2-only CPU without AVX-512 or VNNI (qemu-x86_64 -cpu Haswell,
user mode: the same Python and onnxruntime binaries, only CPUID and the instructions change),
and requires both to equal the written reference exactly.

It also shows why the reference runs unoptimized: on the emulated AVX2 CPU onnxruntime's default
optimizations (QDQ fused into its int8 kernels) give outputs that are not the operator
definitions'. If that assertion ever fails, onnxruntime's int8 path changed: the reference stays
unoptimized either way, but the claim in make_qdq_mnist.py's docstring must be revisited.

usage: check_reference_cpu.py QDQ_MODEL_DIR
"""
import os
import platform
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_qdq_mnist import definition_session  # noqa: E402

EMULATED_CPU = "Haswell"  # AVX2 and FMA; no AVX-512, no VNNI


def read_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def data_sets(model_dir):
    k = 0
    while os.path.isdir(os.path.join(model_dir, f"test_data_set_{k}")):
        folder = os.path.join(model_dir, f"test_data_set_{k}")
        yield read_pb(os.path.join(folder, "input_0.pb")), read_pb(os.path.join(folder, "output_0.pb"))
        k += 1


def evaluate(model_dir, out_path):
    """Child mode: this CPU's features and both onnxruntime paths' outputs, saved to out_path."""
    import onnxruntime as ort
    from numpy._core._multiarray_umath import __cpu_features__ as features

    model = os.path.join(model_dir, "model.onnx")
    unoptimized = definition_session(model)
    optimized = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    name = unoptimized.get_inputs()[0].name
    inputs = [x for x, _ in data_sets(model_dir)]
    np.savez(out_path,
             avx2=features.get("AVX2", False),
             avx512f=features.get("AVX512F", False),
             vnni=features.get("AVX512VNNI", False) or features.get("AVXVNNI", False),
             unoptimized=np.stack([unoptimized.run(None, {name: x})[0] for x in inputs]),
             optimized=np.stack([optimized.run(None, {name: x})[0] for x in inputs]))


def run_child(prefix, model_dir, out_path):
    result = subprocess.run(prefix + [sys.executable, os.path.abspath(__file__), "--evaluate", model_dir, out_path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    if result.returncode != 0:
        noise = "TCG doesn't support requested feature"
        err = "\n".join(line for line in result.stderr.splitlines() if noise not in line)
        raise SystemExit(f"check_reference_cpu: {' '.join(prefix) or 'host'} run failed ({result.returncode}):\n{err}")
    return np.load(out_path)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--evaluate":
        evaluate(sys.argv[2], sys.argv[3])
        return
    model_dir = sys.argv[1]
    if platform.machine() != "x86_64":
        print(f"check_reference_cpu: SKIPPED: the emulated CPU is an x86-64 model; this host is {platform.machine()}")
        return
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        raise SystemExit("check_reference_cpu: qemu-x86_64 is not on PATH (Debian package qemu-user; "
                         "scripts/install-deps.sh installs it for make test)")
    expected = np.stack([y for _, y in data_sets(model_dir)])
    with tempfile.TemporaryDirectory() as tmp:
        host = run_child([], model_dir, os.path.join(tmp, "host.npz"))
        avx2 = run_child([qemu, "-cpu", EMULATED_CPU], model_dir, os.path.join(tmp, "avx2.npz"))

    failures = []
    if not (bool(avx2["avx2"]) and not bool(avx2["avx512f"]) and not bool(avx2["vnni"])):
        failures.append(f"the emulated {EMULATED_CPU} CPU is not AVX2-only as seen by numpy "
                        f"(avx2 {avx2['avx2']}, avx512f {avx2['avx512f']}, vnni {avx2['vnni']})")
    for where, run in (("host CPU", host), (f"emulated {EMULATED_CPU}", avx2)):
        if not np.array_equal(run["unoptimized"], expected):
            failures.append(f"{where}: the operator definitions' outputs differ from the written reference by up to "
                            f"{np.abs(run['unoptimized'] - expected).max()}")
    fused_gap = float(np.abs(avx2["optimized"] - expected).max())
    if fused_gap == 0.0:
        failures.append(f"emulated {EMULATED_CPU}: onnxruntime's optimized int8 path now equals the definitions "
                        "(this test no longer shows a CPU-dependent path: revisit make_qdq_mnist.py's docstring)")
    print(f"host CPU: avx2 {bool(host['avx2'])}, avx512f {bool(host['avx512f'])}, vnni {bool(host['vnni'])}; "
          f"optimized path vs definitions: {float(np.abs(host['optimized'] - expected).max()):.6g}")
    print(f"emulated {EMULATED_CPU}: optimized path vs definitions: {fused_gap:.6g} (unoptimized: exact)")
    if failures:
        raise SystemExit("check_reference_cpu: FAILED\n  " + "\n  ".join(failures))
    print("check_reference_cpu: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
