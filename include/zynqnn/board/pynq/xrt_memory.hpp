#pragma once
// DMA memory from XRT buffer objects: what a stock PYNQ 3.1 image offers (its EmbeddedDevice
// is an XrtDevice; zocl hands out CMA buffers through /dev/dri/renderD*). Each DmaBuffer is one
// buffer object: xrtBOAlloc, xrtBOMap, xrtBOAddress; freed with xrtBOFree.
//
// XRT is not linked: its C API is loaded at run time (dlopen of `library`), so that zynqnn
// builds and runs without XRT and a test can point it at a stand-in library. The functions
// and values used are XRT's stable C API (xrt/xrt_device.h, xrt/xrt_bo.h, xrt/detail/xrt_mem.h):
//   xrtDeviceHandle xrtDeviceOpen(unsigned int index);             nullptr on error
//   int             xrtDeviceClose(xrtDeviceHandle);
//   xrtBufferHandle xrtBOAlloc(xrtDeviceHandle, size_t size, xrtBufferFlags flags /* uint64_t */,
//                              xrtMemoryGroup grp /* uint32_t */);  NULL on error
//   void*           xrtBOMap(xrtBufferHandle);                     NULL on error
//   uint64_t        xrtBOAddress(xrtBufferHandle);                 UINT64_MAX on error (xrt_bo.cpp;
//                                                                  the header says LLONG_MAX: both refused)
//   int             xrtBOSync(xrtBufferHandle, enum xclBOSyncDirection, size_t size, size_t offset);
//   int             xrtBOFree(xrtBufferHandle);
//   XCL_BO_FLAGS_CACHEABLE = 1u << 24;  XCL_BO_SYNC_BO_TO_DEVICE = 0, XCL_BO_SYNC_BO_FROM_DEVICE = 1
// and the library's soname is libxrt_coreutil.so.2 (XRT's exported CMake targets).
//
// How PYNQ 3.1 allocates (pynq/pl_server/xrt_device.py, embedded_device.py): pyxrt.bo(device,
// max(size, 8192), flags.normal or flags.cacheable, memory group idx), after every download
// loading an xclbin whose memory topology PYNQ synthesises from the .hwh (bank 0 "PSDDR", the
// PS DDR) into zocl. The defaults below follow it: group 0, at least 8 KiB per buffer (PYNQ's
// workaround for small buffers that XRT 2.17 placed above 4 GiB). A process that allocates
// beside PYNQ uses the topology PYNQ loaded; one without PYNQ relies on zocl serving group 0
// without an xclbin (CMA), which must be checked on a board (docs/board.md).
//
// Cache maintenance: sync_for_device is xrtBOSync(TO_DEVICE) of the range (a flush), and
// sync_for_cpu xrtBOSync(FROM_DEVICE) (an invalidate), as PynqBuffer.flush()/invalidate() do;
// nothing is synced when `coherent` is set.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "zynqnn/runtime/dma_buffer.hpp"

namespace zynqnn::pynq_board {

struct XrtOptions {
  // dlopen() name or path of XRT's core utility library.
  std::string library = "libxrt_coreutil.so.2";
  unsigned device_index = 0;
  std::uint32_t memory_group = 0;  // PYNQ's synthetic topology: bank 0 is the PS DDR
  bool cacheable = true;           // XCL_BO_FLAGS_CACHEABLE: cached CPU mapping, explicit sync
  bool coherent = false;           // true: the memory is coherent, never sync
  std::size_t min_allocation_bytes = 8192;  // as PYNQ allocates
};

class XrtMemory final : public DmaMemory {
 public:
  static constexpr std::uint64_t kFlagCacheable = std::uint64_t{1} << 24;  // XCL_BO_FLAGS_CACHEABLE
  static constexpr int kSyncToDevice = 0;                                   // XCL_BO_SYNC_BO_TO_DEVICE
  static constexpr int kSyncFromDevice = 1;                                 // XCL_BO_SYNC_BO_FROM_DEVICE

  // Loads the library and opens the device; Error(not_found) when either is missing,
  // Error(unsupported) when the library lacks a function.
  explicit XrtMemory(const XrtOptions& options);
  ~XrtMemory() override;

  // One buffer object per buffer. Error(out_of_range) when XRT cannot allocate, Error(io) when
  // it cannot map it or tell its address, Error(unsupported) when the address does not honour
  // `alignment`.
  std::unique_ptr<DmaBuffer> allocate(std::size_t bytes, std::size_t alignment = 64) override;

  bool syncs_caches() const noexcept;
  const XrtOptions& options() const noexcept;

  struct Device;  // the library and the open device, shared with the buffers (they may outlive this)

 private:
  std::shared_ptr<Device> device_;
};

}  // namespace zynqnn::pynq_board
