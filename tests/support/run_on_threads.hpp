#pragma once
// Runs `body(index)` on `count` threads released together (a spin barrier, so that the calls
// really overlap), and joins them all.
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace zynqnn::testing {

template <typename Body>
void run_on_threads(std::size_t count, Body body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(count);
  for (std::size_t t = 0; t < count; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      body(t);
    });
  }
  go.store(true);
  for (auto& thread : threads) thread.join();
}

}  // namespace zynqnn::testing

namespace zynqnn::testing {

// What the threads of a sharing test got back: a call that failed, an answer that is not the
// caller's own (another thread's data, or a mix), or the caller's own answer.
struct AnswerTally {
  std::atomic<std::size_t> failed{0}, wrong{0}, own{0};

  void record(bool call_succeeded, bool answer_is_own) {
    if (!call_succeeded) ++failed;
    else if (!answer_is_own) ++wrong;
    else ++own;
  }
};

}  // namespace zynqnn::testing
