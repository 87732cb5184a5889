#include "export/process_resource.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <sstream>

#include "common/proc_files.h"

namespace clrprobe::exporter {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_digit(s[i + 1]);
      const int lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string ProcessResource::service_name() const {
  if (!otel_service_name.empty()) return otel_service_name;
  for (const auto& [key, value] : otel_attributes) {
    if (key == "service.name" && !value.empty()) return value;
  }
  return entry.empty() ? "unknown_service" : "unknown_service:" + entry;
}

ResourceAttributes parse_resource_attributes(std::string_view text) {
  ResourceAttributes out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view member = text.substr(start, end - start);
    const auto eq = member.find('=');
    if (eq != std::string_view::npos) {
      std::string key = trim(member.substr(0, eq));
      std::string value = percent_decode(trim(member.substr(eq + 1)));
      if (!key.empty()) {
        // A key given twice: the last one wins, in the first one's place.
        auto same = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
        if (same != out.end()) {
          same->second = std::move(value);
        } else {
          out.emplace_back(std::move(key), std::move(value));
        }
      }
    }
    start = end + 1;
  }
  return out;
}

std::string entry_point_name(const std::vector<std::string>& argv, const std::string& executable_name) {
  const std::string program = argv.empty() ? executable_name : proc::file_name(argv[0]);
  if (program == "dotnet" || executable_name == "dotnet") {
    // A framework-dependent app run by the host: name it after its entry
    // assembly (an apphost is already named after it).
    if (std::string entry = proc::entry_assembly(argv); !entry.empty()) return entry;
  }
  return program.empty() ? executable_name : program;
}

ProcessResource process_resource_from(std::string_view environ, bool environ_readable,
                                      const std::vector<std::string>& argv, const std::string& exe_path,
                                      const std::string& comm) {
  ProcessResource r;
  r.environment_read = environ_readable;
  proc::for_each_environ_entry(environ, [&](std::string_view name, std::string_view value) {
    if (name == "OTEL_SERVICE_NAME") {
      r.otel_service_name = trim(value);
    } else if (name == "OTEL_RESOURCE_ATTRIBUTES") {
      r.otel_attributes = parse_resource_attributes(value);
    }
  });
  r.executable_name = exe_path.empty() ? comm : proc::file_name(exe_path);
  // A deleted executable reads as "/path/App (deleted)".
  if (const auto tag = r.executable_name.find(" (deleted)"); tag != std::string::npos) r.executable_name.resize(tag);
  r.entry = entry_point_name(argv, r.executable_name);
  for (const std::string& arg : argv) r.command_line += (r.command_line.empty() ? "" : " ") + arg;
  return r;
}

ProcessResource read_process_resource(pid_t pid) {
  const auto environ = proc::read(pid, "environ");
  const std::string cmdline = proc::read(pid, "cmdline").value_or("");
  std::string comm = proc::read(pid, "comm").value_or("");
  while (!comm.empty() && comm.back() == '\n') comm.pop_back();
  std::string exe(4096, '\0');
  const ssize_t n = ::readlink(proc::path(pid, "exe").c_str(), exe.data(), exe.size() - 1);
  exe.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return process_resource_from(environ.value_or(""), environ.has_value(), proc::split_cmdline(cmdline), exe, comm);
}

std::string boot_id() { return trim(proc::read_file("/proc/sys/kernel/random/boot_id").value_or("")); }

}  // namespace clrprobe::exporter
