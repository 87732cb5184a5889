// The one place the agent turns a failed runtime call's HRESULT into text and
// into an Error (DESIGN.md: HRESULTs are converted once, at the COM boundary),
// so every log line and refusal spells it the same way: "hr=0x80131130".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "abi/abi.h"
#include "common/result.h"

namespace clrprobe::agent {

// "0x8007000e"
inline std::string hresult_text(abi::HRESULT hr) { return fmt::format("0x{:08x}", static_cast<uint32_t>(hr)); }

// RuntimeError "<what> failed: hr=0x8007000e"
inline Error hresult_error(std::string_view what, abi::HRESULT hr) {
  return make_error(Reason::RuntimeError, fmt::format("{} failed: hr={}", what, hresult_text(hr)));
}

}  // namespace clrprobe::agent
