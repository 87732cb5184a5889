// Identifies a method definition in a loaded module: the unit ReJIT works on
// (every generic instantiation of it shares the instrumentation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "abi/abi.h"

namespace clrprobe::agent {

struct MethodKey {
  abi::ModuleID module = 0;
  abi::mdMethodDef token = 0;

  friend bool operator==(const MethodKey&, const MethodKey&) = default;
};

struct MethodKeyHash {
  size_t operator()(const MethodKey& key) const noexcept {
    return std::hash<uint64_t>{}(static_cast<uint64_t>(key.module) * 0x9E3779B97F4A7C15ull ^ key.token);
  }
};

}  // namespace clrprobe::agent
