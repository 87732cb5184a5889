// "0x1A2B" formatting for error messages.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace clrprobe::il {

inline std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace clrprobe::il
