// The client data `clrprobe attach` passes to the agent through the
// runtime's AttachProfiler command (ICorProfilerCallback3::InitializeForAttach
// receives it as pvClientData/cbClientData). An attached agent has no
// CLRPROBE_* environment variables, so this carries what it needs instead.
//
// Format (version 1): UTF-8 text, one `key=value` per line, lines ended by
// '\n' (the last one may lack it). No quoting: a value runs to the end of its
// line and cannot contain '\n' or '\0'. Keys:
//   log=<absolute path>          agent log file (as CLRPROBE_LOG)
//   runtime_dir=<absolute path>  directory for <pid>.sock/.stats/.probes.json
//                                (as CLRPROBE_RUNTIME_DIR)
// Unknown keys, empty lines and lines without '=' are ignored, so later
// versions can add keys. A key given twice: the last one wins. At most
// kMaxAttachClientData bytes are read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace clrprobe {

inline constexpr std::size_t kMaxAttachClientData = 16 * 1024;

struct AttachClientData {
  std::string log_path;     // empty: not given
  std::string runtime_dir;  // empty: not given
};

// Values with '\n' or '\0' cannot be represented: they are left out (the
// CLI validates paths before it gets here). Empty fields are not written.
inline std::string encode_attach_client_data(const AttachClientData& data) {
  std::string out;
  auto put = [&out](std::string_view key, const std::string& value) {
    if (value.empty() || value.find('\n') != std::string::npos || value.find('\0') != std::string::npos) return;
    out.append(key);
    out.push_back('=');
    out.append(value);
    out.push_back('\n');
  };
  put("log", data.log_path);
  put("runtime_dir", data.runtime_dir);
  return out;
}

// Never fails: anything it does not understand is ignored. `bytes` may be
// null when `size` is 0.
inline AttachClientData parse_attach_client_data(const void* bytes, std::size_t size) {
  AttachClientData data;
  if (bytes == nullptr || size == 0) return data;
  std::string_view text(static_cast<const char*>(bytes), size < kMaxAttachClientData ? size : kMaxAttachClientData);
  // Stop at a NUL: some senders terminate strings.
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) text = text.substr(0, nul);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    if (key == "log") data.log_path = std::string(value);
    else if (key == "runtime_dir") data.runtime_dir = std::string(value);
  }
  return data;
}

}  // namespace clrprobe
