// `clrprobe export` runs in its own executable, clrprobe-export: the HTTP
// server and the OTLP client (cpp-httplib, libcurl, TLS) are its
// dependencies alone, so clrprobe itself needs only the C library
// (docs/PORTABILITY.md). clrprobe parses and checks the arguments, then
// replaces itself with the helper, which parses them again the same way.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace clrprobe::cli {

inline constexpr char kExportHelperName[] = "clrprobe-export";

// <exe dir>/clrprobe-export (build tree), then
// <exe dir>/../lib/clrprobe/clrprobe-export (installed or unpacked tree).
Result<std::filesystem::path> locate_export_helper(const std::filesystem::path& self_exe);

// Execs the helper with `args` (clrprobe's own arguments, "export" first).
// Returns only on failure, with the exit status to use.
int exec_export_helper(const std::vector<std::string>& args);

}  // namespace clrprobe::cli
