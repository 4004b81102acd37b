#include <fmt/format.h>

#include "zynqnn/board/virtual/virtual_board.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::virtual_board {

AxisPort::AxisPort(std::string name, unsigned width_bits, std::size_t depth_words)
    : name_(std::move(name)), width_bits_(width_bits) {
  if (width_bits == 32) {
    stream32_ = std::make_unique<hls::stream<AxisWord32>>(name_.c_str());
    stream32_->set_capacity(depth_words);
  } else if (width_bits == 64) {
    stream64_ = std::make_unique<hls::stream<AxisWord64>>(name_.c_str());
    stream64_->set_capacity(depth_words);
  } else {
    throw Error(ErrorCode::unsupported, fmt::format("stream width {} bits: only 32 and 64 are modeled", width_bits),
                name_);
  }
}

hls::stream<AxisWord32>& AxisPort::stream32() {
  if (!stream32_)
    throw Error(ErrorCode::invalid_argument, fmt::format("the port is {} bits wide, not 32", width_bits_), name_);
  return *stream32_;
}

hls::stream<AxisWord64>& AxisPort::stream64() {
  if (!stream64_)
    throw Error(ErrorCode::invalid_argument, fmt::format("the port is {} bits wide, not 64", width_bits_), name_);
  return *stream64_;
}

void* AxisPort::stream_pointer() noexcept {
  return stream32_ ? static_cast<void*>(stream32_.get()) : static_cast<void*>(stream64_.get());
}

void AxisPort::write(const Beat& beat) {
  if (stream32_) stream32_->write(to_word<AxisWord32>(beat));
  else stream64_->write(to_word<AxisWord64>(beat));
}

AxisPort::Beat AxisPort::read() { return stream32_ ? to_beat(stream32_->read()) : to_beat(stream64_->read()); }

void AxisPort::clear() {
  if (stream32_) stream32_->clear();
  else stream64_->clear();
}

bool AxisPort::empty() const { return stream32_ ? stream32_->empty() : stream64_->empty(); }

void AxisPort::close() {
  if (stream32_) stream32_->close();
  else stream64_->close();
}

void AxisPort::reopen() {
  if (stream32_) stream32_->reopen();
  else stream64_->reopen();
}

}  // namespace zynqnn::virtual_board
