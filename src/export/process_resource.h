// Who a monitored process is, in OpenTelemetry's resource terms, read from
// the process itself (/proc/<pid>/environ, cmdline, exe): its own
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES when the exporter may read
// its environment (same user, or root), else `unknown_service:<entry>` where
// the entry is the entry assembly ("App" for `dotnet App.dll`) or the
// executable ("App" for an apphost).
//
// Self-contained on purpose (a small /proc reader of its own): the CLI's /proc
// readers may move to src/common, and the export library depends on no CLI code.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clrprobe::exporter {

using ResourceAttributes = std::vector<std::pair<std::string, std::string>>;

struct ProcessResource {
  std::string otel_service_name;       // OTEL_SERVICE_NAME (empty: not set or not readable)
  ResourceAttributes otel_attributes;  // OTEL_RESOURCE_ATTRIBUTES, decoded, in order
  std::string executable_name;         // basename of /proc/<pid>/exe, else the comm name
  std::string entry;                   // entry assembly, else executable_name
  std::string command_line;            // argv joined by spaces
  bool environment_read = false;       // /proc/<pid>/environ was readable

  // OTEL_SERVICE_NAME, else service.name of OTEL_RESOURCE_ATTRIBUTES, else
  // "unknown_service:<entry>" ("unknown_service" when nothing is known).
  std::string service_name() const;
};

// OTEL_RESOURCE_ATTRIBUTES: "key1=value1,key2=value2", values percent-decoded
// (W3C Baggage octets); malformed members (no '=', empty key) are skipped.
ResourceAttributes parse_resource_attributes(std::string_view text);

// "App" for `dotnet App.dll` / `dotnet exec /srv/App.dll --x`, else the
// basename of argv[0] (or `executable_name` when argv is empty).
std::string entry_point_name(const std::vector<std::string>& argv, const std::string& executable_name);

// The resource from the pieces /proc gives (tests build it from text):
// `environ` is the NUL-separated environment block ("" when unreadable).
ProcessResource process_resource_from(std::string_view environ, bool environ_readable,
                                      const std::vector<std::string>& argv, const std::string& exe_path,
                                      const std::string& comm);

// Reads /proc/<pid>: whatever is readable (nothing readable gives an empty
// resource whose service_name() is "unknown_service:<comm>" if comm was).
ProcessResource read_process_resource(pid_t pid);

// /proc/sys/kernel/random/boot_id (empty when unreadable): with the pid and
// its start time, a service.instance.id that is the same on every push and
// never that of another process.
std::string boot_id();

}  // namespace clrprobe::exporter
