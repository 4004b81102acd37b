#include "transfer_timing.hpp"

#include <algorithm>
#include <cmath>

namespace zynqnn::virtual_board {

MemoryPath::MemoryPath(double pl_clock_mhz, double hp_bytes_per_cycle, double ddr_bytes_per_ns)
    : hp_bytes_per_ns_(hp_bytes_per_cycle * pl_clock_mhz / 1000.0), ddr_bytes_per_ns_(ddr_bytes_per_ns) {}

std::int64_t MemoryPath::book(bool write, std::int64_t start_ns, std::uint64_t bytes) {
  const auto span = [bytes](double bytes_per_ns) {
    return bytes_per_ns > 0.0 ? static_cast<std::int64_t>(std::llround(static_cast<double>(bytes) / bytes_per_ns)) : 0;
  };
  std::lock_guard lock(mutex_);
  std::int64_t& channel_free_at = write ? write_free_at_ : read_free_at_;
  channel_free_at = std::max(channel_free_at, start_ns) + span(hp_bytes_per_ns_);
  ddr_free_at_ = std::max(ddr_free_at_, start_ns) + span(ddr_bytes_per_ns_);
  return std::max(channel_free_at, ddr_free_at_);
}

}  // namespace zynqnn::virtual_board
