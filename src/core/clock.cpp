#include "zynqnn/core/clock.hpp"

#include <thread>

namespace zynqnn {

Nanoseconds SteadyClock::now() const {
  return std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now().time_since_epoch());
}

void SteadyClock::sleep_for(Nanoseconds duration) {
  if (duration.count() > 0) std::this_thread::sleep_for(duration);
}

SteadyClock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace zynqnn
