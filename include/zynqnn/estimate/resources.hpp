#pragma once
// FPGA resource counts (estimates) and a device budget.
#include <string>
#include <vector>

namespace zynqnn::estimate {

struct Resources {
  double lut = 0;
  double ff = 0;
  double bram18 = 0;  // 18 Kb block RAM halves (one BRAM36 = two BRAM18)
  double dsp = 0;     // DSP48E1 slices

  Resources& operator+=(const Resources& other) {
    lut += other.lut;
    ff += other.ff;
    bram18 += other.bram18;
    dsp += other.dsp;
    return *this;
  }
};

struct DeviceBudget {
  std::string device;
  Resources available;
};

// XC7Z020 (PYNQ-Z1/Z2): 53,200 LUT, 106,400 FF, 140 BRAM36 = 280 BRAM18, 220 DSP48E1.
DeviceBudget xc7z020();

struct Overflow {
  std::string resource;  // "lut", "ff", "bram18", "dsp"
  double used;
  double available;
};

// The resources of `used` that exceed `fraction` of the budget (fraction 1.0: the device).
std::vector<Overflow> overflows(const Resources& used, const DeviceBudget& budget, double fraction = 1.0);

// Block RAM18 count of a memory of `depth` words of `width_bits` each, using the best of the
// RAMB18E1 aspect ratios (16K x 1, 8K x 2, 4K x 4, 2K x 9, 1K x 18, 512 x 36).
int bram18_for(long long depth, long long width_bits);

}  // namespace zynqnn::estimate
