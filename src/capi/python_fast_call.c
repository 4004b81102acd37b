/* zynqnn._fast_call: the common case of `Accelerator.__call__` in one C function.
 *
 * A FastCall object is made by the Python layer for a kernel with one input and one output
 * stream. Called with one array, it takes the fast path only when the input needs nothing
 * but a copy: exactly numpy.ndarray, the stream's element format (the buffer protocol's
 * format string and item size, which identify the dtype and its byte order), the stream's
 * shape, C-contiguous, and for a float32 stream every value finite. Then it makes a fresh
 * output array (`new_output()`) and, with the GIL released, hands both to zynqnn_run_buffers
 * (the C ABI function whose address it was given, so this module links nothing of zynqnn),
 * which copies the input into the DMA buffer, runs and copies the output out under the
 * accelerator's lock: threads sharing the accelerator each get their own answer. No Python
 * object is touched without the GIL (the two buffers are exported, so they stay put). For any
 * other input it returns None without touching anything, and the Python layer verifies the
 * input with the full rules (and raises the errors that name the stream, the expected and the
 * received). A failed call (timeout, DMA error, short output, closed) calls the Python layer's
 * `on_failure(status, elapsed_ns, dma_status, detail)`, which raises. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "zynqnn/zynqnn.h"

#define MAX_RANK 8

typedef int (*run_buffers_function)(zynqnn_accelerator*, const void* const*, void* const*, int64_t,
                                    zynqnn_call_result*);

typedef struct {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  run_buffers_function run_buffers;
  zynqnn_accelerator* handle;
  int64_t timeout_ns;
  PyTypeObject* ndarray_type;
  char format[16];
  Py_ssize_t itemsize;
  int rank;
  Py_ssize_t shape[MAX_RANK];
  Py_ssize_t bytes;
  Py_ssize_t output_bytes;
  int check_finite_float32;
  PyObject* new_output;   /* callable(): a fresh output array (the stream's shape and wire dtype) */
  PyObject* on_failure;   /* callable(status, elapsed_ns, dma_status, detail) that raises */
  PyObject* keep_alive;   /* what owns the handle (the accelerator) */
} FastCall;

static int all_finite_float32(const void* data, Py_ssize_t count) {
  const float* values = (const float*)data;
  /* x - x is 0 for every finite x and NaN for NaN and infinities: one pass, no branches. */
  float sum = 0.0f;
  for (Py_ssize_t i = 0; i < count; ++i) sum += values[i] - values[i];
  return sum == 0.0f;
}

/* 1: `view` holds the input, which needs only a copy (release it); 0: not the fast case. */
static int export_if_plain(FastCall* self, PyObject* input, Py_buffer* view) {
  if (Py_TYPE(input) != self->ndarray_type) return 0;
  if (PyObject_GetBuffer(input, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
    PyErr_Clear(); /* not C-contiguous, or a dtype without a buffer format: the full rules decide */
    return 0;
  }
  int plain = view->itemsize == self->itemsize && view->ndim == self->rank && view->len == self->bytes &&
              view->format != NULL && strcmp(view->format, self->format) == 0;
  for (int axis = 0; plain && axis < self->rank; ++axis) plain = view->shape[axis] == self->shape[axis];
  if (plain && self->check_finite_float32) plain = all_finite_float32(view->buf, view->len / 4);
  if (!plain) PyBuffer_Release(view);
  return plain;
}

static PyObject* fast_call_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  FastCall* self = (FastCall*)callable;
  if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
    PyErr_SetString(PyExc_TypeError, "FastCall takes exactly one array");
    return NULL;
  }
  Py_buffer in;
  if (self->handle == NULL || !export_if_plain(self, args[0], &in)) Py_RETURN_NONE;
  PyObject* output = PyObject_CallNoArgs(self->new_output);
  if (output == NULL) {
    PyBuffer_Release(&in);
    return NULL;
  }
  Py_buffer out;
  if (PyObject_GetBuffer(output, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) != 0) {
    PyBuffer_Release(&in);
    Py_DECREF(output);
    return NULL;
  }
  if (out.len != self->output_bytes) {
    PyBuffer_Release(&out);
    PyBuffer_Release(&in);
    Py_DECREF(output);
    PyErr_Format(PyExc_SystemError, "new_output made %zd bytes, the stream has %zd", out.len, self->output_bytes);
    return NULL;
  }
  /* Everything the call needs, copied out of Python objects before the GIL is released. */
  run_buffers_function run_buffers = self->run_buffers;
  zynqnn_accelerator* handle = self->handle;
  const int64_t timeout_ns = self->timeout_ns;
  const void* inputs[1] = {in.buf};
  void* outputs[1] = {out.buf};
  zynqnn_call_result result; /* filled by a call that ran; a refused one (closed, busy) leaves these */
  result.elapsed_ns = -1;
  result.dma_status = 0;
  result.detail[0] = '\0';
  int status;
  Py_BEGIN_ALLOW_THREADS
  status = run_buffers(handle, inputs, outputs, timeout_ns, &result);
  Py_END_ALLOW_THREADS
  PyBuffer_Release(&out);
  PyBuffer_Release(&in);
  if (status != ZYNQNN_OK) {
    Py_DECREF(output);
    result.detail[sizeof(result.detail) - 1] = '\0';
    PyObject* raised = PyObject_CallFunction(self->on_failure, "iLIy", status, (long long)result.elapsed_ns,
                                             (unsigned int)result.dma_status, result.detail);
    if (raised != NULL) { /* on_failure must raise; never present a failed call as a result */
      Py_DECREF(raised);
      PyErr_Format(PyExc_SystemError, "zynqnn call failed with status %d and on_failure did not raise", status);
    }
    return NULL;
  }
  return output;
}

static int read_address(PyObject* value, void** out, const char* what) {
  *out = PyLong_AsVoidPtr(value);
  if (*out == NULL) {
    if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "%s is NULL", what);
    return -1;
  }
  return 0;
}

/* FastCall(run_buffers_address, handle_address, timeout_ns, ndarray_type, format, itemsize,
 *          shape, bytes, output_bytes, check_finite_float32, new_output, on_failure, keep_alive) */
static PyObject* fast_call_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  PyObject *run, *handle, *ndarray_type, *shape, *new_output, *on_failure, *keep_alive;
  long long timeout_ns;
  const char* format;
  Py_ssize_t itemsize, bytes, output_bytes;
  int check_finite;
  if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "FastCall takes positional arguments only");
    return NULL;
  }
  if (!PyArg_ParseTuple(args, "OOLO!snO!nnpOOO", &run, &handle, &timeout_ns, &PyType_Type, &ndarray_type, &format,
                        &itemsize, &PyTuple_Type, &shape, &bytes, &output_bytes, &check_finite, &new_output,
                        &on_failure, &keep_alive))
    return NULL;
  if (strlen(format) >= sizeof(((FastCall*)0)->format)) {
    PyErr_SetString(PyExc_ValueError, "format string too long");
    return NULL;
  }
  const Py_ssize_t rank = PyTuple_GET_SIZE(shape);
  if (rank > MAX_RANK) {
    PyErr_Format(PyExc_ValueError, "rank %zd above %d", rank, MAX_RANK);
    return NULL;
  }
  if (timeout_ns <= 0 || itemsize <= 0 || bytes <= 0 || output_bytes <= 0) {
    PyErr_SetString(PyExc_ValueError, "timeout_ns, itemsize, bytes and output_bytes must be positive");
    return NULL;
  }
  if (!PyCallable_Check(new_output) || !PyCallable_Check(on_failure)) {
    PyErr_SetString(PyExc_TypeError, "new_output and on_failure must be callable");
    return NULL;
  }
  FastCall* self = (FastCall*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  void *run_address, *handle_address;
  if (read_address(run, &run_address, "run_buffers") || read_address(handle, &handle_address, "handle")) {
    Py_DECREF(self);
    return NULL;
  }
  Py_ssize_t elements = 1;
  for (Py_ssize_t axis = 0; axis < rank; ++axis) {
    self->shape[axis] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, axis));
    if (self->shape[axis] < 0) {
      if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "negative extent in shape");
      Py_DECREF(self);
      return NULL;
    }
    elements *= self->shape[axis];
  }
  if (elements * itemsize != bytes || (check_finite && itemsize != 4)) {
    PyErr_SetString(PyExc_ValueError, "shape, itemsize and bytes disagree");
    Py_DECREF(self);
    return NULL;
  }
  self->vectorcall = fast_call_vectorcall;
  self->run_buffers = (run_buffers_function)run_address;
  self->handle = (zynqnn_accelerator*)handle_address;
  self->timeout_ns = (int64_t)timeout_ns;
  self->ndarray_type = (PyTypeObject*)ndarray_type;
  Py_INCREF(ndarray_type);
  strcpy(self->format, format);
  self->itemsize = itemsize;
  self->rank = (int)rank;
  self->bytes = bytes;
  self->output_bytes = output_bytes;
  self->check_finite_float32 = check_finite;
  Py_INCREF(new_output);
  self->new_output = new_output;
  Py_INCREF(on_failure);
  self->on_failure = on_failure;
  Py_INCREF(keep_alive);
  self->keep_alive = keep_alive;
  return (PyObject*)self;
}

/* Forgets the handle: every later call returns None (the Python layer then reports the
 * closed accelerator). Called before the accelerator's memory is released. */
static PyObject* fast_call_detach(PyObject* object, PyObject* Py_UNUSED(ignored)) {
  FastCall* self = (FastCall*)object;
  self->handle = NULL;
  Py_CLEAR(self->new_output);
  Py_CLEAR(self->keep_alive);
  Py_RETURN_NONE;
}

static int fast_call_traverse(PyObject* object, visitproc visit, void* arg) {
  FastCall* self = (FastCall*)object;
  Py_VISIT(self->ndarray_type);
  Py_VISIT(self->new_output);
  Py_VISIT(self->on_failure);
  Py_VISIT(self->keep_alive);
  return 0;
}

static int fast_call_clear(PyObject* object) {
  FastCall* self = (FastCall*)object;
  self->handle = NULL;
  Py_CLEAR(self->ndarray_type);
  Py_CLEAR(self->new_output);
  Py_CLEAR(self->on_failure);
  Py_CLEAR(self->keep_alive);
  return 0;
}

static void fast_call_dealloc(PyObject* object) {
  PyObject_GC_UnTrack(object);
  fast_call_clear(object);
  Py_TYPE(object)->tp_free(object);
}

static PyMethodDef fast_call_methods[] = {
    {"detach", fast_call_detach, METH_NOARGS, "Forget the accelerator: later calls return None."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FastCallType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zynqnn._fast_call.FastCall",
    .tp_basicsize = sizeof(FastCall),
    .tp_dealloc = fast_call_dealloc,
    .tp_vectorcall_offset = offsetof(FastCall, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "One call of a one-input, one-output kernel for inputs that need only a copy.",
    .tp_traverse = fast_call_traverse,
    .tp_clear = fast_call_clear,
    .tp_methods = fast_call_methods,
    .tp_new = fast_call_new,
};

static struct PyModuleDef fast_call_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "zynqnn._fast_call",
    .m_doc = "The fast path of zynqnn.Accelerator.__call__ (see python_fast_call.c).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__fast_call(void) {
  if (PyType_Ready(&FastCallType) < 0) return NULL;
  PyObject* module = PyModule_Create(&fast_call_module);
  if (module == NULL) return NULL;
  Py_INCREF(&FastCallType);
  if (PyModule_AddObject(module, "FastCall", (PyObject*)&FastCallType) < 0) {
    Py_DECREF(&FastCallType);
    Py_DECREF(module);
    return NULL;
  }
  if (PyModule_AddIntConstant(module, "ABI_VERSION", ZYNQNN_ABI_VERSION) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
