// Resolves selectors to method definitions in one module by walking its
// metadata (TypeDefs, then their MethodDefs). Methods that match but cannot
// carry a probe (no IL body, dynamic or collectible module) come back with a
// refusal instead of being silently dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/module_table.h"
#include "common/result.h"
#include "selector/selector.h"

namespace clrprobe::agent {

// What a probe on a method measures, decided from its metadata.
enum class MethodMeasure : uint8_t {
  Call,              // entry to return
  Task,              // entry to the completion of the returned task (Task, ValueTask, generic or not)
  Iterator,          // an iterator method: only the creation of the enumerator
  StateMachineStep,  // a compiler-generated MoveNext: one step of an async method or iterator
};
const char* method_measure_name(MethodMeasure measure);

struct CatalogMatch {
  uint32_t probe_id = 0;
  abi::mdMethodDef token = 0;
  std::string display_name;        // "Ns.Type::Method(int32)"
  std::optional<Error> refusal;    // set when the method cannot be probed
  MethodMeasure measure = MethodMeasure::Call;
};

std::vector<CatalogMatch> find_matches(const ModuleInfo& module,
                                       const std::vector<std::pair<uint32_t, selector::Selector>>& selectors);

}  // namespace clrprobe::agent
