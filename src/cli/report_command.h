// `clrprobe report FILE`: print a report written by the agent.
#pragma once

#include <string>

namespace clrprobe::cli {

struct ReportOptions {
  std::string path;
  bool json = false;         // print the JSON (pretty) instead of a table
  bool all_methods = false;  // list every matched method
};

int report_command(const ReportOptions& options);

}  // namespace clrprobe::cli
