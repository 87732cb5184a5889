#include "cli/stats_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/process_info.h"
#include "cli/process_view.h"

namespace clrprobe::cli {

bool StatsSource::process_running() const {
  if (reader && reader->info().pid == ns_pid) return reader->writer_alive_as(pid);
  return process_exists(pid);
}

Result<StatsSource> open_stats_source(pid_t pid) {
  auto paths = find_runtime_files(pid);
  if (!paths) {
    const auto dirs = runtime_dirs_to_scan();
    if (!process_exists(pid)) {
      return make_error(Reason::NotFound, fmt::format("no process with pid {}, and no clrprobe files for it in {}",
                                                      pid, fmt::join(dirs, ", ")));
    }
    if (auto maps = mapped_libraries(pid); maps && maps->agent) {
      return make_error(Reason::NotFound,
                        fmt::format("process {} has the clrprobe agent loaded, but its files (stats file, probes "
                                    "file, control socket) are missing from {} (was the runtime directory removed, "
                                    "or does the process use another CLRPROBE_RUNTIME_DIR?)",
                                    pid, fmt::join(dirs, ", ")));
    }
    return make_error(Reason::NotFound,
                      fmt::format("process {} has no clrprobe agent loaded (no files for it in {}); start it "
                                  "with `clrprobe run`",
                                  pid, fmt::join(dirs, ", ")));
  }
  StatsSource source;
  source.pid = pid;
  source.ns_pid = pid;
  source.paths = *paths;
  if (auto view = view_process(pid); view && agent_runtime_paths(*view).stats == paths->stats) {
    source.ns_pid = view->ns_pid;
  }
  auto reader = stats::StatsReader::open(paths->stats);
  if (reader) {
    source.reader.emplace(std::move(*reader));
  } else {
    source.reader_problem = reader.error().message;
  }
  return source;
}

Result<figures::ProbesFile> read_probes(const StatsSource& source) {
  return figures::read_probes_file(source.paths.probes);
}

}  // namespace clrprobe::cli
