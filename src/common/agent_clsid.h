// The agent's COM class id: `clrprobe run` puts it in CORECLR_PROFILER and
// DllGetClassObject accepts only it.
#pragma once

namespace clrprobe {

inline constexpr char kAgentClsid[] = "{8f4e8a5c-3b6d-4c1e-9a77-5d2c1b0e9f31}";

}  // namespace clrprobe
