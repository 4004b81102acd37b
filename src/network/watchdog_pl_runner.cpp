#include "zynqnn/network/watchdog_pl_runner.hpp"

#include <fmt/format.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::network {

WatchdogPlRunner::WatchdogPlRunner(std::unique_ptr<Accelerator> accelerator, watchdog::WatchdogConfig config,
                                   std::optional<watchdog::Calibration> calibration, std::string where)
    : accelerator_(std::move(accelerator)), where_(std::move(where)) {
  if (!accelerator_) throw Error(ErrorCode::invalid_argument, "no accelerator given", where_);
  watchdog_ = std::make_unique<watchdog::Watchdog>(*accelerator_, std::move(config), std::move(calibration), where_);
}

void WatchdogPlRunner::run(const std::vector<std::vector<std::byte>>& inputs, std::vector<std::vector<std::byte>>& outputs) {
  const auto& streams = accelerator_->outputs();
  if (outputs.size() != streams.size())
    throw Error(ErrorCode::invalid_argument, fmt::format("accelerator has {} outputs, given {}", streams.size(), outputs.size()),
                where_);
  for (std::size_t j = 0; j < outputs.size(); ++j)
    if (outputs[j].size() != streams[j].bytes)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{} bytes expected from a stream of {}", outputs[j].size(), streams[j].bytes), streams[j].name);
  const watchdog::InputViews in(inputs.begin(), inputs.end());
  const watchdog::OutputViews out(outputs.begin(), outputs.end());
  const watchdog::CallReport report = watchdog_->process(next_index_++, in, out);
  if (report.delivered) return;
  const ErrorCode code = report.outcome == watchdog::Outcome::hang        ? ErrorCode::timeout
                         : report.outcome == watchdog::Outcome::dma_error ? ErrorCode::dma_error
                                                                          : ErrorCode::bad_state;
  throw Error(code,
              fmt::format("frame {} not answered after {} attempt(s) ({}): {}", report.index, report.attempts,
                          watchdog::to_string(report.outcome), report.detail),
              where_);
}

}  // namespace zynqnn::network
