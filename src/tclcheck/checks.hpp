#pragma once
// What every group of checks works with: the design and its graph, what it is compared with,
// and the findings so far. Each group lives in a file of its own.
#include <string>
#include <vector>

#include "tclcheck/block_graph.hpp"

namespace zynqnn::tclcheck {

struct Checks {
  Checks(const BlockDesign& design, const CheckContext& context)
      : d(design), c(context), m(context.manifest), g(design) {}

  void error(const std::string& check, const std::string& message) { findings.push_back({"error", check, message}); }
  void warning(const std::string& check, const std::string& message) { findings.push_back({"warning", check, message}); }
  // An error where the design must match a manifest (or names zynqnn as its generator), a
  // warning in a design exported from elsewhere.
  void strict(const std::string& check, const std::string& message) {
    c.generated || m ? error(check, message) : warning(check, message);
  }
  // A zynqnn design runs everything from FCLK_CLK0, the clock its manifest records.
  void require_clock(const std::string& pin);
  void require_reset(const std::string& pin);

  const BlockDesign& d;
  const CheckContext& c;
  const manifest::Manifest* m;
  const BlockGraph g;
  std::vector<Finding> findings;
};

// IP versions, processing-system property names, pin names (catalog_checks.cpp).
void check_catalog(Checks& checks);
// xlconcat port counts, axi_intc wiring, IRQ_F2P, DMA interrupt lines (interrupt_checks.cpp).
void check_interrupts(Checks& checks);
// The design against the manifest and the HLS export (manifest_checks.cpp).
void check_against_manifest(Checks& checks);
// Where the .bit and .hwh are copied (manifest_checks.cpp).
void check_artifacts(Checks& checks);

}  // namespace zynqnn::tclcheck
