// The probes file (CLRPROBE_PROBES_FILE, `clrprobe run --probes-file`): one
// probe per line, "SELECTOR [kind=count|sampled|full] [sample=N] [ttl=D]
// [max_overhead=PCT]" (selector/probe_kind.h, selector/budget.h); blank lines
// and lines starting with '#' are ignored; duplicates count once. Changing a
// line's kind or budget replaces its probe; a probe that expired is not added
// again while its line stays the same. Config management distributes it (e.g. a
// Kubernetes ConfigMap mounted as a file) and the agent applies edits live.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "selector/probe_kind.h"

namespace clrprobe::agent {

// All or nothing: the first bad line fails the file ("line N: ...").
Result<std::vector<selector::DeclaredProbe>> parse_probes_file(std::string_view content);

}  // namespace clrprobe::agent
