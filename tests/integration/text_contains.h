// The substring check the integration tests use on program output and logs. One
// definition for all of them: the test executables are unity builds, where per-file
// copies of a helper would collide.
#pragma once

#include <string>

namespace clrprobe::itest {

inline bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace clrprobe::itest
