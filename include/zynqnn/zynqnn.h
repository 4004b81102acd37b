/* zynqnn C ABI: open a kernel described by a manifest on a board, run calls with deadlines.
 *
 * Conventions
 *  - Every function returns a zynqnn_status (ZYNQNN_OK = 0) unless it says otherwise.
 *  - On failure, zynqnn_last_error() returns a message for the calling thread naming the
 *    problem and where; it stays valid until the next zynqnn call on that thread.
 *  - Handles are opaque. A handle may be used from one thread at a time; different handles
 *    may be used concurrently.
 *  - Sizes are in bytes, times in nanoseconds.
 * The ABI is versioned: ZYNQNN_ABI_VERSION changes only when a signature or struct changes. */
#ifndef ZYNQNN_H
#define ZYNQNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZYNQNN_ABI_VERSION 1

#if defined(__GNUC__)
#define ZYNQNN_API __attribute__((visibility("default")))
#else
#define ZYNQNN_API
#endif

typedef enum zynqnn_status {
  ZYNQNN_OK = 0,
  ZYNQNN_INVALID_ARGUMENT = 1, /* a value passed is wrong (size, name, shape) */
  ZYNQNN_OUT_OF_RANGE = 2,
  ZYNQNN_BAD_STATE = 3,        /* e.g. a call after a failure without zynqnn_abort */
  ZYNQNN_TIMEOUT = 4,          /* the deadline passed */
  ZYNQNN_DMA_ERROR = 5,        /* the DMA reported an error; see zynqnn_call_result */
  ZYNQNN_IO = 6,
  ZYNQNN_PARSE = 7,            /* a malformed manifest, .hwh, ... */
  ZYNQNN_UNSUPPORTED = 8,
  ZYNQNN_NOT_FOUND = 9,
  ZYNQNN_INTERNAL = 10,
  ZYNQNN_SHORT_OUTPUT = 11     /* an output arrived with fewer bytes than the manifest says */
} zynqnn_status;

typedef enum zynqnn_direction { ZYNQNN_INPUT = 0, ZYNQNN_OUTPUT = 1 } zynqnn_direction;

typedef struct zynqnn_accelerator zynqnn_accelerator;

typedef struct zynqnn_stream_info {
  const char* name;      /* valid while the accelerator is open */
  const char* dtype;     /* "int8" ... "float32", "fixed<W,I>" */
  size_t rank;
  const int64_t* shape;  /* rank entries */
  size_t element_bits;   /* bits per element as packed in DMA words */
  size_t elements;
  size_t bytes;          /* bytes of one DMA transfer (whole words) */
} zynqnn_stream_info;

typedef struct zynqnn_call_result {
  int32_t status;         /* zynqnn_status of the call */
  int64_t elapsed_ns;     /* on the board's clock */
  uint32_t dma_status;    /* raw DMASR of the failing channel, 0 if none */
  char detail[160];       /* decoded status / failing stream, NUL-terminated */
} zynqnn_call_result;

typedef struct zynqnn_stats {
  uint64_t calls;
  uint64_t ok;
  uint64_t timeouts;
  uint64_t dma_errors;
  uint64_t short_outputs;
  uint64_t aborts;
  uint64_t reconfigurations;
  int64_t last_elapsed_ns;
} zynqnn_stats;

ZYNQNN_API int zynqnn_abi_version(void);
ZYNQNN_API const char* zynqnn_last_error(void);
ZYNQNN_API const char* zynqnn_status_name(int status);

/* board: "virtual" (the virtual board, running the manifest's C-simulation library) or the
 * path of a .hwh of the loaded design on a real board. */
ZYNQNN_API int zynqnn_open(const char* manifest_path, const char* board, zynqnn_accelerator** out);
ZYNQNN_API void zynqnn_close(zynqnn_accelerator* accelerator);

ZYNQNN_API int zynqnn_stream_count(const zynqnn_accelerator* accelerator, int direction, size_t* count);
ZYNQNN_API int zynqnn_stream_info_get(const zynqnn_accelerator* accelerator, int direction, size_t index,
                           zynqnn_stream_info* info);
/* The stream's DMA buffer (zero-copy): write inputs there, read outputs there. */
ZYNQNN_API int zynqnn_stream_buffer(zynqnn_accelerator* accelerator, int direction, size_t index, void** data,
                         size_t* bytes);

/* One call on the inputs already in the stream buffers. The return value is the call's
 * status (also in result->status); ZYNQNN_TIMEOUT and ZYNQNN_DMA_ERROR leave the accelerator
 * needing zynqnn_abort (done automatically by the next call). */
ZYNQNN_API int zynqnn_run(zynqnn_accelerator* accelerator, int64_t timeout_ns, zynqnn_call_result* result);

/* One call with named buffers: copies each input into its stream buffer, runs, copies each
 * output out. Every input stream must be named exactly once; output names may be a subset.
 * Sizes must equal the streams' byte counts. */
ZYNQNN_API int zynqnn_run_named(zynqnn_accelerator* accelerator, size_t input_count, const char* const* input_names,
                     const void* const* inputs, const size_t* input_bytes, size_t output_count,
                     const char* const* output_names, void* const* outputs, const size_t* output_bytes,
                     int64_t timeout_ns, zynqnn_call_result* result);

ZYNQNN_API int zynqnn_abort(zynqnn_accelerator* accelerator);
ZYNQNN_API int zynqnn_reconfigure(zynqnn_accelerator* accelerator);
ZYNQNN_API int zynqnn_stats_get(const zynqnn_accelerator* accelerator, zynqnn_stats* stats);

/* Virtual board only: inject a fault ("hang", "stall", "missing_tlast", "extra_words",
 * "corrupt_output", "bus_error"); transient (next frame) or persistent (until reconfigure). */
ZYNQNN_API int zynqnn_inject_fault(zynqnn_accelerator* accelerator, const char* kind, int persistent);

#ifdef __cplusplus
}
#endif
#endif /* ZYNQNN_H */
