#include <gtest/gtest.h>
#include <hls_stream.h>

#include <atomic>
#include <thread>

TEST(HlsStream, FifoOrderAndNonBlockingForms) {
  hls::stream<int> s("s");
  EXPECT_TRUE(s.empty());
  s.write(1);
  s << 2;
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.read(), 1);
  int value = 0;
  s >> value;
  EXPECT_EQ(value, 2);
  EXPECT_FALSE(s.read_nb(value));
  EXPECT_STREQ(s.name(), "s");
}

TEST(HlsStream, BoundedStreamBlocksWriterUntilRead) {
  hls::stream<int> s;
  s.set_capacity(2);
  s.write(1);
  s.write(2);
  EXPECT_TRUE(s.full());
  EXPECT_FALSE(s.write_nb(3));
  std::atomic<bool> written{false};
  std::thread writer([&] {
    s.write(3);
    written = true;
  });
  EXPECT_EQ(s.read(), 1);
  writer.join();
  EXPECT_TRUE(written);
  EXPECT_EQ(s.read(), 2);
  EXPECT_EQ(s.read(), 3);
}

TEST(HlsStream, ReadBlocksAcrossThreads) {
  hls::stream<int> s;
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) s.write(i);
  });
  long sum = 0;
  for (int i = 0; i < 1000; ++i) sum += s.read();
  producer.join();
  EXPECT_EQ(sum, 999L * 1000 / 2);
}

TEST(HlsStream, CloseUnblocksAWaitingReaderWithStreamClosed) {
  hls::stream<int> s;
  std::atomic<bool> threw{false};
  std::thread reader([&] {
    try {
      s.read();
    } catch (const hls::stream_closed&) {
      threw = true;
    }
  });
  while (!threw) {
    s.close();
    std::this_thread::yield();
  }
  reader.join();
  EXPECT_TRUE(threw);
  EXPECT_THROW(s.write(1), hls::stream_closed);
  s.reopen();
  s.write(4);
  EXPECT_EQ(s.read(), 4);
}

TEST(HlsStream, DeadlockInCSimulationIsAnErrorNotAHang) {
  hls::csim::set_blocked_wait_limit(std::chrono::milliseconds(20));
  hls::stream<int> s;
  EXPECT_THROW(s.read(), hls::stream_deadlock);
  hls::csim::set_blocked_wait_limit(std::chrono::milliseconds(60000));
}

namespace {
class CountingObserver : public hls::csim::wait_observer {
 public:
  std::atomic<int> blocked{0};
  std::atomic<int> waits{0};
  void before_wait() override {
    ++blocked;
    ++waits;
  }
  void after_wait() override { --blocked; }
};
}  // namespace

TEST(HlsStream, WakerReportsTheEndOfTheWaitOnTheWaitersBehalf) {
  CountingObserver observer;
  hls::stream<int> s;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    hls::csim::current_wait_observer = &observer;
    EXPECT_EQ(s.read(), 7);
    done = true;
  });
  while (observer.blocked.load() == 0) std::this_thread::yield();
  s.write(7);
  // Reported unblocked by the writer itself, before the reader even runs.
  EXPECT_EQ(observer.blocked.load(), 0);
  reader.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(observer.waits.load(), 1);
  EXPECT_EQ(observer.blocked.load(), 0);
}
