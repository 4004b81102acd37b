// Waiting for a channel: the outcome is read from DMASR, never guessed. Idle alone does not
// mean "done" (it reads 0 while halted and before the first transfer), so a channel is only
// waited for when this driver started a transfer on it, and Halted without Idle ends the wait
// as an error rather than as a wait until the deadline.
#include <fmt/format.h>

#include <algorithm>

#include "zynqnn/runtime/axi_dma.hpp"
#include "zynqnn/runtime/axi_dma_registers.hpp"

namespace zynqnn {

bool AxiDma::terminal(std::uint32_t status) const noexcept {
  return (status & (axi_dma::dmasr::all_errors | axi_dma::dmasr::halted | axi_dma::dmasr::idle |
                    axi_dma::dmasr::ioc_irq)) != 0;
}

DmaWaitResult AxiDma::finish(Channel& channel, std::uint32_t status) {
  DmaBuffer* buffer = channel.buffer;
  const std::size_t offset = channel.buffer_offset;
  channel.in_flight = false;
  channel.buffer = nullptr;
  // Write 1 to clear the interrupt bits so that the next completion is seen afresh (and the
  // interrupt output drops) before the line is unmasked again.
  if (const std::uint32_t irq = status & axi_dma::dmasr::all_irq; irq != 0) write(channel, axi_dma::reg::dmasr, irq);

  DmaWaitResult result{DmaOutcome::error, 0, status};
  if ((status & (axi_dma::dmasr::all_errors | axi_dma::dmasr::halted)) == 0) {
    if (channel.id == DmaChannel::s2mm) {
      const std::uint32_t received = read(channel, axi_dma::reg::length) & max_length_;
      if (received <= channel.requested) {
        buffer->sync_for_cpu(offset, received);
        stats_.bytes_received += received;
        result = DmaWaitResult{DmaOutcome::done, received, status};
      }
      // More bytes than were armed cannot happen on a sound engine: reported as an error,
      // never synced or presented as data.
    } else {
      stats_.bytes_sent += channel.requested;
      result = DmaWaitResult{DmaOutcome::done, channel.requested, status};
    }
  }
  if (result.done()) {
    ++stats_.transfers_done;
  } else {
    ++stats_.errors;
    channel.failed = true;
    channel.failed_status = status;
  }
  if (channel.line) channel.line->enable();
  return result;
}

DmaWaitResult AxiDma::time_out(Channel&, std::uint32_t status) {
  ++stats_.timeouts;
  return DmaWaitResult{DmaOutcome::timed_out, 0, status};
}

DmaWaitResult AxiDma::wait(DmaChannel id, Nanoseconds deadline) {
  Channel& channel = channel_for(id);
  check_usable(channel);
  if (!channel.in_flight) {
    refuse(ErrorCode::bad_state, &channel, {}, "no transfer in flight on this channel to wait for");
  }
  // The common case costs one register read: the transfer is already over.
  const std::uint32_t status = read(channel, axi_dma::reg::dmasr);
  if (terminal(status)) return finish(channel, status);
  switch (options_.wait_strategy) {
    case WaitStrategy::busy_poll: return wait_busy(channel, deadline);
    case WaitStrategy::poll_with_backoff: return wait_backoff(channel, deadline);
    case WaitStrategy::interrupt: return wait_interrupt(channel, deadline);
  }
  return wait_backoff(channel, deadline);
}

DmaWaitResult AxiDma::wait_busy(Channel& channel, Nanoseconds deadline) {
  // A real clock moves on its own. A modeled clock moves only while the caller sleeps: when
  // it has not moved across many reads, sleep a little so that the deadline can still come.
  constexpr unsigned reads_per_clock_check = 64;
  Nanoseconds last = clock_.now();
  unsigned reads = 0;
  for (;;) {
    const bool late = clock_.now() >= deadline;
    const std::uint32_t status = read(channel, axi_dma::reg::dmasr);  // one last look when late
    if (terminal(status)) return finish(channel, status);
    if (late) return time_out(channel, status);
    if (++reads == reads_per_clock_check) {
      reads = 0;
      const Nanoseconds now = clock_.now();
      if (now == last && now < deadline) clock_.sleep_for(std::min(options_.first_backoff, deadline - now));
      last = clock_.now();
    }
  }
}

DmaWaitResult AxiDma::wait_backoff(Channel& channel, Nanoseconds deadline) {
  Nanoseconds pause = options_.first_backoff;
  for (;;) {
    const Nanoseconds now = clock_.now();
    if (now >= deadline) {
      const std::uint32_t status = read(channel, axi_dma::reg::dmasr);
      return terminal(status) ? finish(channel, status) : time_out(channel, status);
    }
    clock_.sleep_for(std::min(pause, deadline - now));  // never sleeps past the deadline
    pause = std::min(pause * 2, options_.max_backoff);
    const std::uint32_t status = read(channel, axi_dma::reg::dmasr);
    if (terminal(status)) return finish(channel, status);
  }
}

DmaWaitResult AxiDma::wait_interrupt(Channel& channel, Nanoseconds deadline) {
  for (;;) {
    if (!channel.line->wait_until(deadline)) {
      const std::uint32_t status = read(channel, axi_dma::reg::dmasr);
      return terminal(status) ? finish(channel, status) : time_out(channel, status);
    }
    // A UIO line masks itself when it fires. finish() clears the IRQ bits before it unmasks
    // the line: unmasked first, a level interrupt would fire once more for nothing.
    std::uint32_t status = read(channel, axi_dma::reg::dmasr);
    if (terminal(status)) return finish(channel, status);
    // Not this channel's completion: unmask, then look again for one that came in between.
    channel.line->enable();
    status = read(channel, axi_dma::reg::dmasr);
    if (terminal(status)) return finish(channel, status);
    if (clock_.now() >= deadline) return time_out(channel, status);  // a line that keeps firing
  }
}

}  // namespace zynqnn
