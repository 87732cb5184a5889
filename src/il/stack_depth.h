// Evaluation-stack depth dataflow over a body's control-flow graph (internal
// to the verifier).
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "il/eh_regions.h"
#include "il/method_body.h"
#include "il/verifier.h"

namespace clrprobe::il {

// successors[i]: instruction indices control can reach from instruction i
// (fall-through and targets; exceptional edges excluded: handlers are seeded
// from `regions`). region_start_index maps each region to the index of its
// first instruction.
Result<VerifyReport> analyze_stack_depth(const MethodBody& body,
                                         const std::vector<std::vector<uint32_t>>& successors,
                                         const std::vector<Region>& regions,
                                         const std::vector<uint32_t>& region_start_index,
                                         const VerifyOptions& options);

}  // namespace clrprobe::il
