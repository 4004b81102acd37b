#pragma once
// How long an AXI DMA transfer takes on the board: PG021's measured efficiency and fixed
// latencies per channel, and the memory path the generated design gives every DMA master (one
// AXI interconnect into the 64-bit HP0 port, then the DDR controller), shared by all masters.
// Figures and sources: docs/virtual-board.md, "Transfer timing".
#include <cstdint>
#include <mutex>

namespace zynqnn::virtual_board {

// PG021 (AXI DMA v7.1), "Performance", Table 2 (10,000 bytes, 100 MHz, default configuration):
// MM2S 399.04 MB/s = 99.76 %, S2MM 298.59 MB/s = 74.64 % of the stream's one beat per cycle.
inline constexpr double kMm2sEfficiency = 0.9976;
inline constexpr double kS2mmEfficiency = 0.7464;
// PG021, "Performance", Table 1: m_axi_mm2s_arvalid to m_axis_mm2s_tvalid, and
// s_axis_s2mm_tvalid to m_axi_s2mm_awvalid, in clocks.
inline constexpr double kMm2sLatencyCycles = 6;
inline constexpr double kS2mmLatencyCycles = 39;

// The memory path shared by every DMA master of a board: HP0's read and write channels
// (independent, `hp_bytes_per_cycle` each at the PL clock) and the DDR (reads and writes share
// `ddr_bytes_per_ns`). A transfer books its bytes on its HP0 channel and on the DDR from its
// start; it cannot end before both bookings do. Booking order is arrival order: concurrent
// transfers share the bandwidth in total, the one booked first ends first.
class MemoryPath {
 public:
  MemoryPath(double pl_clock_mhz, double hp_bytes_per_cycle, double ddr_bytes_per_ns);
  // The earliest end (modeled ns) of moving `bytes` from `start_ns`: `write` = S2MM.
  std::int64_t book(bool write, std::int64_t start_ns, std::uint64_t bytes);

 private:
  double hp_bytes_per_ns_;
  double ddr_bytes_per_ns_;
  std::mutex mutex_;
  std::int64_t read_free_at_ = 0;
  std::int64_t write_free_at_ = 0;
  std::int64_t ddr_free_at_ = 0;
};

}  // namespace zynqnn::virtual_board
