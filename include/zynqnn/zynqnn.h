/* zynqnn C ABI: open a kernel described by a manifest on a board, run calls with deadlines.
 *
 * Conventions
 *  - Every function returns a zynqnn_status (ZYNQNN_OK = 0) unless it says otherwise.
 *  - On failure, zynqnn_last_error() returns a message for the calling thread naming the
 *    problem and where; it stays valid until the next zynqnn call on that thread.
 *  - Handles are opaque. Sizes are in bytes, times in nanoseconds.
 *
 * Threads
 *  - An accelerator handle and a watchdog handle may be shared by threads. Calls on one
 *    accelerator run one at a time: zynqnn_run_buffers and zynqnn_run_named copy the inputs
 *    into the DMA buffers, run, and copy the outputs out under one lock, so each thread gets
 *    the answer to its own inputs. A call waits for the calls ahead of it at most its own
 *    timeout_ns (then ZYNQNN_TIMEOUT, nothing run, no abort needed); abort, reconfigure,
 *    inject_fault, a watchdog's creation and shutdown wait at most 30 s. A watched call
 *    (zynqnn_watchdog_process) holds the same lock from its first attempt to the copy of its
 *    answer, recovery included, so direct calls and watched calls of one accelerator serialize.
 *  - The zero-copy path (write zynqnn_stream_buffer, zynqnn_run, read the buffer) is not one
 *    step: zynqnn_run serializes, but the buffers are shared; threads use the copying calls.
 *  - zynqnn_shutdown (zynqnn_watchdog_shutdown) waits for the call in flight, then ends the
 *    handle: every later call, from any thread, returns ZYNQNN_BAD_STATE ("... is closed").
 *    The handle's memory stays valid until zynqnn_close (zynqnn_watchdog_destroy), which
 *    shuts down first and frees: call it once no other thread can still use the handle.
 *  - Stream infos (zynqnn_stream_count, zynqnn_stream_info_get) stay readable after shutdown;
 *    stream buffers do not (ZYNQNN_BAD_STATE).
 * The ABI is versioned: ZYNQNN_ABI_VERSION changes only when a signature or struct changes.
 * New functions are added without a version change (a newer library serves older callers);
 * a caller that needs one looks it up in the library (the Python layer does). */
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
  ZYNQNN_SHORT_OUTPUT = 11,    /* an output arrived with fewer bytes than the manifest says */
  ZYNQNN_PENDING = 12          /* zynqnn_wait: the call is still in flight at the wait's end */
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
/* Waits (at most 30 s) for the call in flight, then releases the board and the DMA buffers;
 * calls racing with it or after it return ZYNQNN_BAD_STATE. ZYNQNN_TIMEOUT when the call in
 * flight kept the device longer (later calls are refused all the same). Idempotent. */
ZYNQNN_API int zynqnn_shutdown(zynqnn_accelerator* accelerator);
/* zynqnn_shutdown, then frees the handle (after the last of its watchdogs is destroyed). */
ZYNQNN_API void zynqnn_close(zynqnn_accelerator* accelerator);

ZYNQNN_API int zynqnn_stream_count(const zynqnn_accelerator* accelerator, int direction, size_t* count);
ZYNQNN_API int zynqnn_stream_info_get(const zynqnn_accelerator* accelerator, int direction, size_t index,
                           zynqnn_stream_info* info);
/* The stream's DMA buffer (zero-copy): write inputs there, read outputs there. */
ZYNQNN_API int zynqnn_stream_buffer(zynqnn_accelerator* accelerator, int direction, size_t index, void** data,
                         size_t* bytes);

/* The bus (physical) address of the stream's DMA buffer, 0 when the board has none to tell:
 * lets a caller recognise a buffer it holds as the stream's own (e.g. a pynq.allocate buffer,
 * whose physical_address it is) and skip a copy. */
ZYNQNN_API int zynqnn_stream_physical_address(const zynqnn_accelerator* accelerator, int direction, size_t index,
                                              uint64_t* address);

/* One call on the inputs already in the stream buffers. The return value is the call's
 * status (also in result->status); ZYNQNN_TIMEOUT and ZYNQNN_DMA_ERROR leave the accelerator
 * needing zynqnn_abort (done automatically by the next call). */
ZYNQNN_API int zynqnn_run(zynqnn_accelerator* accelerator, int64_t timeout_ns, zynqnn_call_result* result);

/* One call with buffers in stream order, what threads sharing the accelerator use: copies
 * inputs[i] (stream i's byte count) into its stream buffer, runs, and when the call ends ok
 * copies each output stream j into outputs[j] (its byte count; a NULL entry, or outputs NULL,
 * skips it), all under the accelerator's lock. A buffer that is the stream's own is not copied. */
ZYNQNN_API int zynqnn_run_buffers(zynqnn_accelerator* accelerator, const void* const* inputs, void* const* outputs,
                                  int64_t timeout_ns, zynqnn_call_result* result);

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

/* --------------------------------------------------------------------------------------
 * A call in two steps, like XRT's xrt::run: start it, do other work (prepare the next batch,
 * post-process the last one), then wait for it with a deadline, or abort it.
 *
 *   zynqnn_start(acc, inputs, 1000000);                  // returns at once
 *   ... host work ...
 *   int status = zynqnn_wait(acc, 5000000, outputs, &r);  // ZYNQNN_PENDING: still running
 *   if (status == ZYNQNN_PENDING) zynqnn_abort(acc);      // the caller decides
 *
 * One started call per handle. It holds the accelerator's device lock from zynqnn_start until
 * a zynqnn_wait ends it or zynqnn_abort stops it: other threads' calls on the handle wait for
 * it as for any call in flight (each at most its own timeout); zynqnn_shutdown (and so
 * zynqnn_close) aborts it first.
 * -------------------------------------------------------------------------------------- */

/* Copies inputs[i] into input stream i (as zynqnn_run_buffers; inputs NULL: the inputs are
 * already in the stream buffers), arms every receive, starts every send, and returns. A failed
 * earlier call's abort is done first, as by zynqnn_run. timeout_ns (> 0) bounds the wait for
 * the calls ahead (ZYNQNN_TIMEOUT: nothing started). ZYNQNN_BAD_STATE at once while a started
 * call has not ended. */
ZYNQNN_API int zynqnn_start(zynqnn_accelerator* accelerator, const void* const* inputs, int64_t timeout_ns);
/* Waits at most timeout_ns (>= 0; 0 only looks) for the started call. ZYNQNN_PENDING (also in
 * result->status): not complete yet, the call stays in flight (wait again, or zynqnn_abort).
 * Otherwise the call is over and the return value is its status as for zynqnn_run; when it
 * ended ok, each outputs[j] (as zynqnn_run_buffers: a NULL entry, or outputs NULL, skips it;
 * the stream buffers hold the outputs too) is written before the device is released. A wait
 * that ends pending aborts nothing: that is the caller's choice. ZYNQNN_BAD_STATE when no call
 * was started. A zynqnn_abort from another thread waits for a zynqnn_wait in progress (at most
 * its timeout). result may be NULL. */
ZYNQNN_API int zynqnn_wait(zynqnn_accelerator* accelerator, int64_t timeout_ns, void* const* outputs,
                           zynqnn_call_result* result);
/* zynqnn_abort stops a started call (DMA soft reset) and releases the device; without one it
 * resets the DMA as before. A frame stopped inside the kernel may leave words there: call
 * zynqnn_reconfigure before the next call when they matter. */


/* ======================================================================================
 * The watchdog (docs/watchdog.md): wraps an open accelerator, times and classifies every
 * call, heals failures with the recovery ladder (abort -> reconfigure -> retry), raises alarms
 * after K consecutive anomalies, and never presents a failed call's output as good.
 *
 *   zynqnn_watchdog_config config;
 *   zynqnn_watchdog_config_init(&config, "fixed");       // the policy's defaults
 *   config.calibrate_calls = 500;                         // threshold by calibration
 *   config.jsonl_path = "alarms.jsonl";
 *   zynqnn_watchdog* wd;
 *   if (zynqnn_watchdog_create(acc, &config, &wd) != ZYNQNN_OK) puts(zynqnn_last_error());
 *   zynqnn_watchdog_result r;
 *   int status = zynqnn_watchdog_process(wd, 1, names, inputs, sizes, 1, out_names, outs, out_sizes, &r);
 *   // status == ZYNQNN_OK <=> r.delivered: the outputs hold a verified answer
 *   zynqnn_watchdog_destroy(wd);                          // before or after zynqnn_close
 *
 * Threads may share a watchdog (see Threads above): watched calls run one at a time, each
 * holding the accelerator's lock, and the counters and records are read between calls. The
 * accelerator stays usable directly; zynqnn_close on it frees its handle only after its last
 * watchdog is destroyed (its watchdogs' calls then return ZYNQNN_BAD_STATE).
 * ====================================================================================== */

typedef struct zynqnn_watchdog zynqnn_watchdog;

/* What a call ended in (the first attempt's outcome). */
typedef enum zynqnn_outcome {
  ZYNQNN_OUTCOME_OK = 0,              /* within the threshold, outputs verified */
  ZYNQNN_OUTCOME_SLOW = 1,            /* above the threshold, before the deadline, outputs verified */
  ZYNQNN_OUTCOME_HANG = 2,            /* the deadline (threshold x deadline_factor) passed */
  ZYNQNN_OUTCOME_DMA_ERROR = 3,       /* a channel reported DMAIntErr/DMASlvErr/DMADecErr */
  ZYNQNN_OUTCOME_BAD_OUTPUT = 4,      /* wrong byte count, NaN/inf in a float32 output */
  ZYNQNN_OUTCOME_CANARY_MISMATCH = 5  /* the known input did not reproduce its recorded output */
} zynqnn_outcome;
#define ZYNQNN_OUTCOME_COUNT 6

/* What the watchdog did, in order. */
typedef enum zynqnn_action {
  ZYNQNN_ACTION_ABORT = 0,                 /* DMA soft reset, drivers re-initialised */
  ZYNQNN_ACTION_RECONFIGURE = 1,           /* PL reloaded */
  ZYNQNN_ACTION_RETRY = 2,                 /* the same input sent again */
  ZYNQNN_ACTION_FALLBACK = 3,              /* the CPU fallback answered */
  ZYNQNN_ACTION_PROACTIVE_RECONFIGURE = 4, /* drift detected: PL reloaded between calls */
  ZYNQNN_ACTION_THRESHOLD_ADAPTED = 5,     /* threshold raised within its bounds */
  ZYNQNN_ACTION_ALARM = 6,                 /* an event went to the sinks */
  ZYNQNN_ACTION_CANARY = 7                 /* the canary input was run */
} zynqnn_action;

/* An alarm event as one JSON object (event: escalation, pl_down, pl_recovered, drift or
 * threshold_adapted; kernel, time_ns, input_index, outcome,
 * consecutive_anomalies, threshold_ns, detail); valid during the callback only. */
typedef void (*zynqnn_alarm_callback)(const char* event_json, void* user_data);

typedef struct zynqnn_watchdog_config {
  /* "none" (observe only: calls timed, classified and recorded, nothing healed), "fixed"
   * (threshold, deadline, abort -> reconfigure -> retry) or "adaptive" (fixed + canary, drift
   * detector with proactive reconfiguration, bounded threshold adaptation). */
  const char* policy;
  const char* kernel;            /* name in alarms and calibrations; NULL: the manifest's kernel */

  /* The threshold, from exactly one source (checked in this order):
   * threshold_ns > 0: an expert threshold (negative: refused);
   * calibrate_calls > 0: calibrate now with that many calls (on calibration_inputs when given,
   *   else a synthetic pattern); with reuse_calibration set, a matching stored calibration
   *   (calibration_path, else calibration.json next to the manifest) is used instead;
   *   with save_calibration set, the new calibration is stored there (written atomically);
   * otherwise: the stored calibration (calibration_path, else next to the manifest) must exist
   *   and match the kernel and the manifest's hash. */
  int64_t threshold_ns;
  const char* calibration_path;
  size_t calibrate_calls;
  int reuse_calibration;
  int save_calibration;
  /* Representative calibration inputs: one pointer per input stream (manifest order), each to
   * calibration_samples consecutive frames of that stream's bytes; call i uses sample
   * i % calibration_samples. With canary_interval > 0, sample 0 is also the canary. */
  size_t calibration_samples;
  const void* const* calibration_inputs;
  double mad_multiplier;         /* threshold = max(median + k*MAD*1.4826, median*(1 + margin)) */
  double min_margin;

  double deadline_factor;        /* deadline = threshold x this (>= 1) */
  uint32_t max_retries;          /* attempts per input = 1 + max_retries (0 for "none"); rungs: abort, then
                                  * reconfigure; after a DMA error or a wrong byte count a reload at once
                                  * (a DMA reset leaves the broken frame's words inside the kernel) */
  size_t escalate_after;         /* K: alarm after K consecutive anomalous calls (>= 1) */
  size_t canary_interval;        /* run the canary before every K-th call; 0: never */
  int detector;                  /* drift detector with proactive reconfiguration */
  size_t detector_cooldown_calls;/* at most one proactive reconfiguration per this many calls */
  int adaptation;                /* bounded threshold adaptation */
  double adaptation_cap;         /* never above cap x the calibrated threshold (>= 1) */
  size_t adaptation_after;       /* consecutive slow, verified calls before it adapts (>= 1) */
  int use_fallback;              /* opt-in: when the ladder cannot heal the PL, answer from the CPU (the
                                  * kernel's C-simulation library, artifacts.sim_library) and mark the
                                  * PL down, probing it every pl_probe_interval calls. Virtual board
                                  * only (ZYNQNN_UNSUPPORTED elsewhere). */
  size_t pl_probe_interval;      /* while the PL is down: try it again every this many calls */

  /* Alarm sinks (each optional). */
  const char* jsonl_path;        /* one JSON line per event, flushed */
  int syslog;                    /* syslog(3), LOG_USER */
  const char* mqtt_endpoint;     /* "host:port": QoS 1 publish, bounded wait for the PUBACK */
  const char* mqtt_topic;        /* NULL: "zynqnn/alarm" */
  zynqnn_alarm_callback callback;
  void* callback_user_data;
} zynqnn_watchdog_config;

typedef struct zynqnn_watchdog_result {
  uint64_t index;            /* the call's index (0, 1, 2, ... per watchdog) */
  int32_t outcome;           /* zynqnn_outcome of the first attempt */
  int32_t delivered;         /* 1: the outputs hold a verified answer; 0: a failure record was kept */
  int32_t fallback;          /* 1: ... computed by the CPU fallback */
  int32_t canary;            /* zynqnn_outcome of the canary run before this call, -1 if none ran */
  uint32_t attempts;         /* attempts on the PL (0: the PL is down and was not tried) */
  uint32_t action_count;     /* actions taken; the first 32 are in actions[] */
  uint8_t actions[32];       /* zynqnn_action, in order */
  int64_t latency_ns;        /* the first attempt's time on the board's clock */
  int64_t elapsed_ns;        /* the whole call from its first attempt's arm (or from a canary
                                or PL probe before it), recovery included; answered by the
                                first attempt: to its last completion */
  int64_t recovery_ns;       /* after a failure: from its detection to the answer (or giving up) */
  int64_t threshold_ns;      /* the threshold after this call */
  char detail[256];          /* the first failure's (or slowness') detail, NUL-terminated */
} zynqnn_watchdog_result;

typedef struct zynqnn_watchdog_counters {
  uint64_t calls;
  uint64_t outcomes[6];      /* by first outcome: ZYNQNN_OUTCOME_COUNT entries */
  uint64_t attempts;
  uint64_t aborts;
  uint64_t reconfigurations;
  uint64_t proactive_reconfigurations;
  uint64_t fallbacks;
  uint64_t failures;
  uint64_t alarms;
  uint64_t sink_errors;
  uint64_t canaries;
  uint64_t adaptations;
  int64_t threshold_ns;               /* current */
  int64_t calibrated_threshold_ns;    /* before any adaptation */
  int64_t deadline_ns;
  int32_t pl_down;                    /* 1 while the CPU fallback answers */
} zynqnn_watchdog_counters;

/* A call that could not be answered. */
typedef struct zynqnn_watchdog_failure {
  uint64_t index;
  int32_t outcome;
  uint32_t attempts;
  uint32_t action_count;
  uint8_t actions[32];
  int64_t time_ns;           /* board clock when it was given up */
  char detail[256];
} zynqnn_watchdog_failure;

typedef struct zynqnn_watchdog_calibration {
  uint64_t calls;
  int64_t min_ns, median_ns, mad_ns, p99_ns, max_ns;
  double log_sigma;
  int64_t threshold_ns;
  int32_t available;         /* 0: the threshold is an expert's, no calibration */
} zynqnn_watchdog_calibration;

/* Fills every field with the policy's defaults and no sink; ZYNQNN_INVALID_ARGUMENT for an
 * unknown policy. */
ZYNQNN_API int zynqnn_watchdog_config_init(zynqnn_watchdog_config* config, const char* policy);
/* Checks the whole configuration (errors name the field), finds or makes the threshold, opens
 * the sinks, records the canary. A configuration that may reload the PL needs the manifest to
 * name its bitstream (artifacts.bitstream). */
ZYNQNN_API int zynqnn_watchdog_create(zynqnn_accelerator* accelerator, const zynqnn_watchdog_config* config,
                                      zynqnn_watchdog** out);
/* Waits (at most 30 s) for the watched call in flight; later calls return ZYNQNN_BAD_STATE
 * ("the watchdog is closed"). The handle stays valid until zynqnn_watchdog_destroy. */
ZYNQNN_API int zynqnn_watchdog_shutdown(zynqnn_watchdog* watchdog);
/* zynqnn_watchdog_shutdown, then frees the handle: once no other thread can still use it. */
ZYNQNN_API void zynqnn_watchdog_destroy(zynqnn_watchdog* watchdog);

/* One input through the PL with the ladder (or the fallback). Named buffers as in
 * zynqnn_run_named (checked before anything runs). Returns ZYNQNN_OK exactly when the outputs
 * were written with a verified answer (result->delivered); otherwise the outputs are not
 * touched, a failure record is kept, and the status names the outcome (ZYNQNN_TIMEOUT: hang,
 * ZYNQNN_DMA_ERROR, ZYNQNN_SHORT_OUTPUT: bad output, ZYNQNN_BAD_STATE: canary mismatch or the PL
 * is down) with the detail in zynqnn_last_error(). result may be NULL. */
ZYNQNN_API int zynqnn_watchdog_process(zynqnn_watchdog* watchdog, size_t input_count, const char* const* input_names,
                                       const void* const* inputs, const size_t* input_bytes, size_t output_count,
                                       const char* const* output_names, void* const* outputs,
                                       const size_t* output_bytes, zynqnn_watchdog_result* result);

ZYNQNN_API int zynqnn_watchdog_counters_get(const zynqnn_watchdog* watchdog, zynqnn_watchdog_counters* counters);
ZYNQNN_API int zynqnn_watchdog_failure_count(const zynqnn_watchdog* watchdog, size_t* count);
ZYNQNN_API int zynqnn_watchdog_failure_get(const zynqnn_watchdog* watchdog, size_t index,
                                           zynqnn_watchdog_failure* failure);
ZYNQNN_API int zynqnn_watchdog_calibration_get(const zynqnn_watchdog* watchdog, zynqnn_watchdog_calibration* calibration);
/* Stores the calibration in use (path NULL: calibration.json next to the manifest). */
ZYNQNN_API int zynqnn_watchdog_save_calibration(const zynqnn_watchdog* watchdog, const char* path);
ZYNQNN_API const char* zynqnn_outcome_name(int outcome);
ZYNQNN_API const char* zynqnn_action_name(int action);

/* ======================================================================================
 * Compiled networks (docs/compiler.md, "Running a compiled network"): the output folder of
 * `zynqnn compile` run whole from its host contract (network.json): the PS operators before
 * the accelerator, the accelerator (every call with the deadline timeout_ns; after a timeout
 * or DMA error it is aborted and the next run may go ahead), the PS operators after it.
 * Values are float32 arrays in the network's (ONNX, row-major) order, by index:
 *
 *   zynqnn_network* net;
 *   if (zynqnn_network_open("out", "virtual", 1000000000, &net) != ZYNQNN_OK) puts(zynqnn_last_error());
 *   zynqnn_network_value x;
 *   zynqnn_network_value_get(net, ZYNQNN_INPUT, 0, &x);     // name, shape, elements
 *   const float* in[1] = {image};  size_t in_bytes[1] = {x.elements * sizeof(float)};
 *   float* out[1] = {scores};      size_t out_bytes[1] = {sizeof scores};
 *   int status = zynqnn_network_run(net, 1, in, in_bytes, 1, out, out_bytes);
 *   zynqnn_network_close(net);
 *
 * A handle may be shared by threads: runs are one at a time, each waiting at most 30 s for the
 * one ahead (then ZYNQNN_TIMEOUT, nothing run). zynqnn_network_shutdown waits (at most 30 s)
 * for the run in flight and releases the accelerator; later runs return ZYNQNN_BAD_STATE.
 * Value infos stay readable until zynqnn_network_close. */

typedef struct zynqnn_network zynqnn_network;

typedef struct zynqnn_network_value {
  const char* name;      /* valid until zynqnn_network_close */
  const char* dtype;     /* the network value's type: "float32", "int8", "uint8", "int32", ... */
  size_t rank;
  const int64_t* shape;  /* rank entries; NULL when the shape is known only at run time */
  size_t elements;       /* 0 when the shape is unknown (the C ABI cannot run such a value) */
} zynqnn_network_value;

/* output_dir: a folder written by `zynqnn compile` (network.json, manifest.json). board as in
 * zynqnn_open (NULL: "virtual"); only opened when the network has a PL part. timeout_ns: the
 * deadline of each accelerator call. */
ZYNQNN_API int zynqnn_network_open(const char* output_dir, const char* board, int64_t timeout_ns,
                                   zynqnn_network** out);
/* The PL part run by the caller instead (through its own accelerator, watchdog or model of the
 * kernel): `pl_step` is called once per run with the host-fed PL input streams' DMA bytes and
 * the PL output streams' buffers, each in the manifest's stream order and of the stream's byte
 * count. It returns ZYNQNN_OK once every output buffer is written; any other status ends the
 * run with that status (the run's outputs are not written). */
typedef int (*zynqnn_network_pl_step)(void* user_data, size_t input_count, const void* const* inputs,
                                      const size_t* input_bytes, size_t output_count, void* const* outputs,
                                      const size_t* output_bytes);
ZYNQNN_API int zynqnn_network_open_stepped(const char* output_dir, zynqnn_network_pl_step pl_step, void* user_data,
                                           zynqnn_network** out);
ZYNQNN_API int zynqnn_network_count(const zynqnn_network* network, int direction, size_t* count);
ZYNQNN_API int zynqnn_network_value_get(const zynqnn_network* network, int direction, size_t index,
                                        zynqnn_network_value* value);
/* One inference. Every input and every output is given, in index order, with its size in bytes
 * (elements * 4: anything else is ZYNQNN_INVALID_ARGUMENT before anything runs). Integer
 * inputs take integral float values in their type's range; integer outputs come back as
 * float. The outputs are written only when the whole network ran. */
ZYNQNN_API int zynqnn_network_run(zynqnn_network* network, size_t input_count, const float* const* inputs,
                                  const size_t* input_bytes, size_t output_count, float* const* outputs,
                                  const size_t* output_bytes);
/* What a run would send to the PL for these inputs (the PS part before the PL, quantization,
 * layout), written into pl_inputs (one buffer per host-fed PL input stream, in the manifest's
 * order, of exactly the stream's byte count), without running the PL. ZYNQNN_UNSUPPORTED when
 * the network has no PL part. */
ZYNQNN_API int zynqnn_network_encode(zynqnn_network* network, size_t input_count, const float* const* inputs,
                                     const size_t* input_bytes, size_t pl_input_count, void* const* pl_inputs,
                                     const size_t* pl_input_bytes);
ZYNQNN_API int zynqnn_network_shutdown(zynqnn_network* network);
/* zynqnn_network_shutdown, then frees the handle: once no other thread can still use it. */
ZYNQNN_API void zynqnn_network_close(zynqnn_network* network);


/* ======================================================================================
 * External DMA buffers: memory the caller allocated (a pynq.allocate buffer beside PYNQ, or a
 * buffer from zynqnn_dma_buffer_allocate) used by the DMA directly, without a copy.
 *
 *   zynqnn_register_buffer(acc, ZYNQNN_OUTPUT, 0, y_ptr, y_bytes, y_physical);
 *   ... flush the inputs' caches (PynqBuffer.flush()) ...
 *   zynqnn_run_buffers(acc, inputs, outputs, timeout_ns, &r);   // outputs[0] == y_ptr
 *   ... invalidate y's cache (PynqBuffer.invalidate()), read it ...
 *
 * A registered buffer is used by zynqnn_run_buffers when it is passed as that stream's input or
 * output pointer (the same host address): the DMA reads or writes it directly and nothing is
 * copied. Any other pointer is copied through the stream's own buffer as before; zynqnn_run,
 * zynqnn_run_named and zynqnn_start use the stream buffers. The caller keeps a registered
 * buffer alive until zynqnn_unregister_buffer (or zynqnn_shutdown), and does its cache
 * maintenance: flush before the call, invalidate after. ZYNQNN_UNSUPPORTED on an accelerator
 * without DMA buffers.
 * ====================================================================================== */

/* Registers [data, data+bytes) at bus address physical_address for the stream. Checked:
 * bytes equals the stream's byte count, the address is non-zero and 64-byte aligned
 * (ZYNQNN_INVALID_ARGUMENT), the range fits the DMA's address width (ZYNQNN_OUT_OF_RANGE), and
 * it overlaps no other buffer of the accelerator, own or registered (ZYNQNN_INVALID_ARGUMENT).
 * The same physical range registered again for the same stream replaces the host pointer. */
ZYNQNN_API int zynqnn_register_buffer(zynqnn_accelerator* accelerator, int direction, size_t index, void* data,
                                      size_t bytes, uint64_t physical_address);
/* ZYNQNN_NOT_FOUND when no buffer at data is registered for the stream. */
ZYNQNN_API int zynqnn_unregister_buffer(zynqnn_accelerator* accelerator, int direction, size_t index,
                                        const void* data);

/* A buffer from the board's own DMA memory (u-dma-buf, XRT buffer objects, the virtual board's
 * simulated DDR): what pynq.allocate is to PYNQ. It may outlive the accelerator. */
typedef struct zynqnn_dma_buffer zynqnn_dma_buffer;
ZYNQNN_API int zynqnn_dma_buffer_allocate(zynqnn_accelerator* accelerator, size_t bytes, size_t alignment,
                                          zynqnn_dma_buffer** out, void** data, uint64_t* physical_address);
/* direction ZYNQNN_INPUT: flush [offset, offset+length) before the DMA reads it; ZYNQNN_OUTPUT:
 * invalidate it after the DMA wrote it. */
ZYNQNN_API int zynqnn_dma_buffer_sync(zynqnn_dma_buffer* buffer, int direction, size_t offset, size_t length);
ZYNQNN_API void zynqnn_dma_buffer_free(zynqnn_dma_buffer* buffer);

/* ======================================================================================
 * The virtual board as a bus (docs/pynq-on-virtual-board.md): a generated folder's design on
 * the virtual board *without* zynqnn's driver on it, for another driver (PYNQ's own code,
 * through zynqnn.pynq_device) or a test to drive register by register. The manifest's kernel
 * C-simulation library runs on the PL thread, its AXI DMAs sit at the manifest's addresses,
 * and DMA memory comes from the simulated DDR.
 *
 *   zynqnn_virtual_board_options options;
 *   zynqnn_virtual_board_options_init(&options);
 *   options.time_mode = "real";                           // a caller's busy-poll sees time pass
 *   zynqnn_virtual_board* vb;
 *   if (zynqnn_virtual_board_open("out/manifest.json", &options, &vb) != ZYNQNN_OK) puts(zynqnn_last_error());
 *   void* data; uint64_t physical;
 *   zynqnn_virtual_board_allocate(vb, 4096, 64, &data, &physical);
 *   zynqnn_virtual_board_write32(vb, 0x40400000, 1);      // MM2S_DMACR.RS
 *   uint32_t status;
 *   zynqnn_virtual_board_read32(vb, 0x40400004, &status); // MM2S_DMASR
 *   zynqnn_virtual_board_close(vb);
 *
 * Register accesses take a physical address and reach the device whose register window
 * covers it; an address in no window is ZYNQNN_OUT_OF_RANGE naming the address and the
 * windows (on a board such an access hangs the bus). A handle may be shared by threads: its
 * calls run one at a time. After zynqnn_virtual_board_shutdown every call but
 * zynqnn_virtual_board_free and _close returns ZYNQNN_BAD_STATE, and the DMA memory handed
 * out stays valid until it is freed or the handle is closed.
 * ====================================================================================== */

typedef struct zynqnn_virtual_board zynqnn_virtual_board;

typedef struct zynqnn_virtual_board_options {
  /* "modeled" (time advances only when the board's threads wait: fast and deterministic for
   * zynqnn's own driver) or "real" (the steady clock: a caller's busy-poll sees time pass). */
  const char* time_mode;
  double pl_clock_mhz;   /* the PL clock the modeled time runs at; 0: the manifest's clock_mhz */
  uint64_t seed;         /* of the board's deterministic latency jitter */
} zynqnn_virtual_board_options;

/* A register window of the board: a device's base address and size in bytes. */
typedef struct zynqnn_register_window {
  const char* name;      /* the device's instance name (valid while the handle is open) */
  uint64_t base;
  uint64_t size;
} zynqnn_register_window;

typedef struct zynqnn_virtual_board_stats {
  uint64_t frames;           /* frames the kernel completed */
  uint64_t reconfigurations;
  uint64_t mm2s_transfers;   /* completed without error */
  uint64_t s2mm_transfers;
  uint64_t bytes_moved;      /* by all DMA channels */
  uint64_t dma_errors;       /* transfers that ended with DMAIntErr/DMASlvErr/DMADecErr */
  uint64_t soft_resets;
  uint64_t kernel_errors;
  uint64_t register_reads;   /* AXI-Lite accesses of the board's DMA registers */
  uint64_t register_writes;
  uint64_t bytes_allocated;  /* DMA memory handed out and not freed */
} zynqnn_virtual_board_stats;

/* Fills the defaults: time_mode "modeled", pl_clock_mhz 0 (the manifest's), seed 1. */
ZYNQNN_API int zynqnn_virtual_board_options_init(zynqnn_virtual_board_options* options);
/* manifest_path: a generated folder's manifest.json (the folder is checked against its stamp,
 * as by zynqnn_open). options NULL: the defaults. */
ZYNQNN_API int zynqnn_virtual_board_open(const char* manifest_path, const zynqnn_virtual_board_options* options,
                                         zynqnn_virtual_board** out);
/* One 32-bit register access at a physical address (4-byte aligned). */
ZYNQNN_API int zynqnn_virtual_board_read32(zynqnn_virtual_board* board, uint64_t address, uint32_t* value);
ZYNQNN_API int zynqnn_virtual_board_write32(zynqnn_virtual_board* board, uint64_t address, uint32_t value);
/* The register windows, in the manifest's DMA order. */
ZYNQNN_API int zynqnn_virtual_board_window_count(const zynqnn_virtual_board* board, size_t* count);
ZYNQNN_API int zynqnn_virtual_board_window_get(const zynqnn_virtual_board* board, size_t index,
                                               zynqnn_register_window* window);
/* DMA memory from the simulated DDR: `bytes` (> 0) at a physical address aligned to
 * `alignment` (a power of two), its host pointer in *data. The simulated DDR is coherent:
 * no cache flush or invalidate is needed. ZYNQNN_OUT_OF_RANGE when no free region fits. */
ZYNQNN_API int zynqnn_virtual_board_allocate(zynqnn_virtual_board* board, size_t bytes, size_t alignment, void** data,
                                             uint64_t* physical_address);
/* Frees the memory allocated at `physical_address`; ZYNQNN_NOT_FOUND for any other address. */
ZYNQNN_API int zynqnn_virtual_board_free(zynqnn_virtual_board* board, uint64_t physical_address);
/* The simulated DDR: physical addresses [base, base + bytes). */
ZYNQNN_API int zynqnn_virtual_board_memory_range(const zynqnn_virtual_board* board, uint64_t* base, uint64_t* bytes);
/* The board's clock (modeled or real, as opened), in nanoseconds since it was opened. */
ZYNQNN_API int zynqnn_virtual_board_now(const zynqnn_virtual_board* board, int64_t* now_ns);
/* Reloads the PL (what a bitstream download does): the DMAs reset, the kernel restarts, the
 * streams empty. DMA memory is kept. */
ZYNQNN_API int zynqnn_virtual_board_reconfigure(zynqnn_virtual_board* board);
ZYNQNN_API int zynqnn_virtual_board_stats_get(const zynqnn_virtual_board* board, zynqnn_virtual_board_stats* stats);
/* Stops the board (the PL thread ends); later calls return ZYNQNN_BAD_STATE except _free and
 * _close. Idempotent. */
ZYNQNN_API int zynqnn_virtual_board_shutdown(zynqnn_virtual_board* board);
/* Shuts down and frees the handle and every DMA memory it handed out. */
ZYNQNN_API void zynqnn_virtual_board_close(zynqnn_virtual_board* board);

#ifdef __cplusplus
}
#endif
#endif /* ZYNQNN_H */
