// The runtime speaks UTF-16 (WCHAR is char16_t on Linux); the agent works in
// UTF-8. Conversions happen only at the metadata boundary.
#pragma once

#include <string>
#include <string_view>

namespace clrprobe::agent {

std::string utf16_to_utf8(std::u16string_view text);

}  // namespace clrprobe::agent
