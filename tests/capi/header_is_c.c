/* zynqnn.h's watchdog section compiled as C (not C++): the ABI is usable from C. */
#include <string.h>

#include "zynqnn/zynqnn.h"

int zynqnn_watchdog_c_smoke(void) {
  zynqnn_watchdog_config config;
  zynqnn_watchdog_result result;
  zynqnn_watchdog_counters counters;
  if (zynqnn_watchdog_config_init(&config, "adaptive") != ZYNQNN_OK) return 1;
  if (strcmp(config.policy, "adaptive") != 0 || config.detector != 1) return 2;
  if (zynqnn_watchdog_create(NULL, &config, NULL) != ZYNQNN_INVALID_ARGUMENT) return 3;
  memset(&result, 0, sizeof result);
  memset(&counters, 0, sizeof counters);
  if (sizeof counters.outcomes / sizeof counters.outcomes[0] != ZYNQNN_OUTCOME_COUNT) return 4;
  if (strcmp(zynqnn_outcome_name(ZYNQNN_OUTCOME_CANARY_MISMATCH), "canary_mismatch") != 0) return 5;
  if (strcmp(zynqnn_action_name(ZYNQNN_ACTION_RECONFIGURE), "reconfigure") != 0) return 6;
  return result.delivered;
}
