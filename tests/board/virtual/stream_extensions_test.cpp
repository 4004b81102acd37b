// The hls::stream extensions the virtual board's DMA engines use: before_block (data moved on
// a blocking thread's behalf), fill/drain (many words under one lock, never blocking) and clear.
#include <gtest/gtest.h>

#include <hls_stream.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace zynqnn::virtual_board {
namespace {

// Counts the waits it is told about; before_block runs `feed` (the board's engines).
class CountingObserver final : public hls::csim::wait_observer {
 public:
  explicit CountingObserver(std::function<void()> feed) : feed_(std::move(feed)) {}
  void before_wait() override { ++waits; }
  void after_wait() override {}
  void before_block() override {
    ++blocks;
    feed_();
  }
  std::atomic<int> waits{0};
  std::atomic<int> blocks{0};

 private:
  std::function<void()> feed_;
};

TEST(StreamExtensions, BeforeBlockCanMakeAReadReadyWithoutBlocking) {
  hls::stream<int> s;
  s.set_capacity(4);
  int next = 0;
  CountingObserver observer([&] { s.fill([&](int& v) { v = next++; return true; }); });
  hls::csim::current_wait_observer = &observer;
  std::vector<int> got;
  for (int i = 0; i < 10; ++i) got.push_back(s.read());
  hls::csim::current_wait_observer = nullptr;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(observer.blocks.load(), 3) << "the producer refills the 4-word FIFO each time it runs empty";
  EXPECT_EQ(observer.waits.load(), 0) << "nobody ever blocked";
  EXPECT_EQ(s.size(), 2u);
}

TEST(StreamExtensions, BeforeBlockThatMovesNothingLeavesTheThreadBlocked) {
  hls::stream<int> s;
  CountingObserver observer([] {});
  std::atomic<int> got{-1};
  std::thread reader([&] {
    hls::csim::current_wait_observer = &observer;
    got = s.read();
  });
  while (observer.waits == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // blocked
  s.write(5);
  reader.join();
  EXPECT_EQ(got.load(), 5);
  EXPECT_EQ(observer.blocks.load(), 1);
}

TEST(StreamExtensions, FillStopsAtCapacityAndDrainTakesAsTold) {
  hls::stream<int> s;
  s.set_capacity(3);
  int produced = 0;
  EXPECT_EQ(s.fill([&](int& v) { v = 10 + produced++; return true; }), 3u);
  EXPECT_EQ(produced, 3) << "no word is produced that the FIFO cannot take";
  EXPECT_EQ(s.fill([](int&) { return true; }), 0u);
  using take = hls::stream<int>::take_result;
  std::vector<int> seen;
  EXPECT_EQ(s.drain([&](const int& v) {
    seen.push_back(v);
    return v == 11 ? take::take_and_stop : take::take;
  }),
            2u);
  EXPECT_EQ(seen, (std::vector<int>{10, 11}));
  EXPECT_EQ(s.drain([](const int&) { return take::leave; }), 0u);
  EXPECT_EQ(s.read(), 12) << "a word left stays first";
}

TEST(StreamExtensions, ClearDropsTheWordsAndReleasesAWriter) {
  hls::stream<int> s;
  s.set_capacity(1);
  s.write(1);
  CountingObserver observer([] {});
  std::thread writer([&] {
    hls::csim::current_wait_observer = &observer;
    s.write(2);  // blocks: the FIFO is full
  });
  while (observer.waits == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.clear();
  writer.join();
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.read(), 2);
  EXPECT_FALSE(s.closed());
}

TEST(StreamExtensions, ClosedStreamsRefuseFillAndDrain) {
  hls::stream<int> s;
  s.close();
  EXPECT_THROW(s.fill([](int&) { return true; }), hls::stream_closed);
  EXPECT_THROW(s.drain([](const int&) { return hls::stream<int>::take_result::take; }), hls::stream_closed);
}

TEST(StreamExtensions, TheRingKeepsOrderAcrossGrowthAndWrapAround) {
  hls::stream<int> s;  // unbounded: the ring grows
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 37; ++i) s.write(next_in++);
    for (int i = 0; i < 29; ++i) ASSERT_EQ(s.read(), next_out++);
  }
  while (!s.empty()) ASSERT_EQ(s.read(), next_out++);
  EXPECT_EQ(next_out, next_in);
}

}  // namespace
}  // namespace zynqnn::virtual_board
