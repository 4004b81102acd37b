#pragma once
// 32-bit registers at byte offsets. The board maps them from /dev/mem or /dev/uioN; the
// virtual board implements them with the device model. Every access is checked against the
// mapped range first: an access outside it is refused with an Error, never performed; so is
// every access while the PL behind a board's mapping is down (see pl_state.hpp).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "zynqnn/runtime/pl_state.hpp"

namespace zynqnn {

class RegisterSpace {
 public:
  virtual ~RegisterSpace() = default;
  RegisterSpace(const RegisterSpace&) = delete;
  RegisterSpace& operator=(const RegisterSpace&) = delete;

  std::uint32_t read32(std::uint32_t offset) const {
    check_access(offset);
    return do_read32(offset);
  }
  void write32(std::uint32_t offset, std::uint32_t value) {
    check_access(offset);
    do_write32(offset, value);
  }
  std::size_t size_bytes() const noexcept { return size_bytes_; }
  // From now on every access is refused while `pl` is not up (Board::map_registers does it).
  void watch(std::shared_ptr<const PlState> pl) noexcept { pl_ = std::move(pl); }

 protected:
  explicit RegisterSpace(std::size_t size_bytes) : size_bytes_(size_bytes) {}
  // Called only with a 4-byte-aligned offset inside the range.
  virtual std::uint32_t do_read32(std::uint32_t offset) const = 0;
  virtual void do_write32(std::uint32_t offset, std::uint32_t value) = 0;

 private:
  void check_access(std::uint32_t offset) const {
    // Written so that it cannot overflow where size_t is 32 bits.
    if ((offset & 3u) != 0 || size_bytes_ < 4 || offset > size_bytes_ - 4) refuse_access(offset);
    if (pl_ && !pl_->up()) refuse_while_down(offset);
  }
  [[noreturn]] void refuse_access(std::uint32_t offset) const;
  [[noreturn]] void refuse_while_down(std::uint32_t offset) const;

  std::size_t size_bytes_;
  std::shared_ptr<const PlState> pl_;
};

}  // namespace zynqnn
