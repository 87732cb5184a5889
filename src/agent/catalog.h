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

struct CatalogMatch {
  uint32_t probe_id = 0;
  abi::mdMethodDef token = 0;
  std::string display_name;        // "Ns.Type::Method(int32)"
  std::optional<Error> refusal;    // set when the method cannot be probed
  bool is_async = false;           // C# async method (AsyncStateMachineAttribute)
};

std::vector<CatalogMatch> find_matches(const ModuleInfo& module,
                                       const std::vector<std::pair<uint32_t, selector::Selector>>& selectors);

}  // namespace clrprobe::agent
