"""The checks of ``Model.predict``'s inputs: what the ONNX model declares, with any number of
runs of its batch along the first axis. A wrong input is refused before anything runs, with a
message that names the input and, where the mistake is a common one, its fix: a channels-last
image, a missing batch axis, an integer image that was not scaled as in training."""
import numpy as np

_NUMERIC = "biuf"


def model_input(value, x):
    """``x`` as float32 runs of the declared shape, [runs, *value.shape] (the C ABI's values),
    or TypeError/ValueError naming the input."""
    array = x if isinstance(x, np.ndarray) else np.asarray(x)
    name, declared = value.name, value.shape
    if array.dtype.kind not in _NUMERIC:
        raise TypeError(f"input '{name}': expected {value.dtype} values, got an array of dtype {array.dtype}")
    _check_kind(value, array)
    _check_shape(value, array)
    runs = np.ascontiguousarray(array, dtype=np.float32).reshape((-1,) + declared)
    if value.dtype.kind == "f" and not np.isfinite(runs).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"input '{name}': element {index} is {array[index]}; the model takes finite values")
    if value.dtype.kind != "f":
        _check_integers(value, array)
    return runs


def _check_kind(value, array):
    if value.dtype.kind == "f" and array.dtype.kind in "biu":
        hint = (" (an image of 0..255 not scaled as in training? e.g. x.astype(np.float32) / 255)"
                if array.dtype == np.uint8 else "")
        raise TypeError(f"input '{value.name}': the model takes {value.dtype}, got {array.dtype}{hint}; convert it "
                        "explicitly")
    if value.dtype.kind in "biu" and array.dtype.kind == "f":
        raise TypeError(f"input '{value.name}': the model takes {value.dtype}, got {array.dtype}")


def _check_shape(value, array):
    name, declared = value.name, value.shape
    if not declared:
        if array.shape != ():
            raise ValueError(f"input '{name}': the model takes a scalar, got shape {array.shape}")
        return
    batch, sample = declared[0], tuple(declared[1:])
    if array.ndim == len(declared) and array.shape[1:] == sample and array.shape[0] > 0 and array.shape[0] % batch == 0:
        return
    expected = f"({'N' if batch == 1 else f'N x {batch}'}, {', '.join(map(str, sample))})"
    fix = ""
    if array.shape == sample:
        fix = " (one sample without the batch axis: x[None])"
    elif array.ndim == len(declared) >= 3 and array.shape[1:] == sample[1:] + sample[:1]:
        axes = (0, array.ndim - 1) + tuple(range(1, array.ndim - 1))
        fix = f" (channels-last; the model takes channels first: x.transpose{axes})"
    elif array.ndim == len(declared) and array.shape[1:] == sample and array.shape[0] % batch:
        fix = f" ({array.shape[0]} samples is not a multiple of the model's batch of {batch})"
    raise ValueError(f"input '{name}': expected shape {expected}, got {array.shape}{fix}")


def _check_integers(value, array):
    info = np.iinfo(value.dtype)
    if array.size and (array.min() < info.min or array.max() > info.max):
        raise ValueError(f"input '{value.name}': values outside {value.dtype}'s range [{info.min}, {info.max}]")
    if array.size and np.abs(array).max() > (1 << 24):
        raise ValueError(f"input '{value.name}': values beyond 2**24 cannot be passed exactly as float32")
