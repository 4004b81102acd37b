// Convolution, depthwise and fully connected layers against the plain reference, over
// shapes covering padding (symmetric and not), stride 2, dilation, rectangular kernels,
// groups, depthwise, and PE/SIMD folding from fully folded to fully unfolded.
#include "conv_harness.hpp"

namespace {

namespace zh = zynqnn_hls;
using zynqnn_hls_test::check_conv;
using zynqnn_hls_test::check_depthwise;
using i8 = ap_int<8>;
using i32 = ap_int<32>;
using zh::window_config;

constexpr std::uint32_t kSeeds[] = {1, 2, 3};

TEST(Conv2d, Int8Pad1Stride1Pe3Simd2) {
  for (auto seed : kSeeds)
    check_conv<window_config<6, 7, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1>, 6, 3, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, Int8Stride2AsymmetricPads) {
  for (auto seed : kSeeds)
    check_conv<window_config<9, 8, 8, 4, 3, 3, 2, 2, 1, 1, 0, 0>, 8, 2, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, Int8Dilation2) {
  for (auto seed : kSeeds)
    check_conv<window_config<7, 7, 4, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2>, 4, 4, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, Int8RectangularKernelMixedStride) {
  for (auto seed : kSeeds)
    check_conv<window_config<6, 5, 2, 2, 2, 3, 1, 2, 0, 1, 1, 1>, 2, 1, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, Int8PointwiseStride2SkipsRows) {
  for (auto seed : kSeeds)
    check_conv<window_config<5, 5, 6, 3, 1, 1, 2, 2>, 4, 2, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, Int8Grouped) {
  for (auto seed : kSeeds)
    check_conv<window_config<6, 6, 8, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2>, 4, 1, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, Int8DepthwiseWithMultiplierThroughGroupedMvu) {
  for (auto seed : kSeeds)
    check_conv<window_config<5, 5, 4, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4>, 8, 2, i8, i8, i32, std::int64_t>(seed);
}

TEST(Conv2d, FloatStride2FullyUnfolded) {
  for (auto seed : kSeeds)
    check_conv<window_config<5, 6, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1>, 5, 5, float, float, float, double>(seed);
}

TEST(Conv2d, FloatFullyFolded) {
  for (auto seed : kSeeds)
    check_conv<window_config<4, 4, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1>, 2, 1, float, float, float, double>(seed);
}

TEST(Conv2d, Int8StreamedWeights) {
  for (auto seed : kSeeds)
    check_conv<window_config<6, 7, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1>, 6, 3, i8, i8, i32, std::int64_t, true>(seed);
}

TEST(Conv2d, Int8GroupedStreamedWeights) {
  for (auto seed : kSeeds)
    check_conv<window_config<6, 6, 8, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2>, 4, 2, i8, i8, i32, std::int64_t, true>(seed);
}

TEST(FullyConnected, Int8Folded) {  // a 1x1 "image" with K = 1 is a matrix-vector product
  for (auto seed : kSeeds)
    check_conv<window_config<1, 1, 20, 5, 1, 1>, 10, 2, i8, i8, i32, std::int64_t>(seed);
}

TEST(FullyConnected, FloatFolded) {
  for (auto seed : kSeeds) check_conv<window_config<1, 1, 12, 4, 1, 1>, 6, 3, float, float, float, double>(seed);
}

TEST(Depthwise, Int8Pad1Simd4) {
  for (auto seed : kSeeds)
    check_depthwise<window_config<6, 6, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1>, i8, i8, i32, std::int64_t>(seed);
}

TEST(Depthwise, Int8Stride2Simd1) {
  for (auto seed : kSeeds)
    check_depthwise<window_config<7, 6, 3, 1, 3, 3, 2, 2, 1, 1, 1, 1>, i8, i8, i32, std::int64_t>(seed);
}

TEST(Depthwise, FloatStride2Dilation2) {
  for (auto seed : kSeeds)
    check_depthwise<window_config<8, 8, 4, 2, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2>, float, float, float, double>(seed);
}

TEST(Conv2d, ProcessesConsecutiveFramesIndependently) {
  // Two frames through the same instantiation: the static line buffer must not leak state.
  check_conv<window_config<6, 7, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1>, 6, 3, i8, i8, i32, std::int64_t>(11);
  check_conv<window_config<6, 7, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1>, 6, 3, i8, i8, i32, std::int64_t>(12);
}

}  // namespace
