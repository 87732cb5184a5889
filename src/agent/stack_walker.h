// `watch --stack`: the managed callers of the current thread, by the
// profiling API's stack walk (ICorProfilerInfo2::DoStackSnapshot on thread 0,
// the calling thread). Called only from the watch's stack hook, which the
// instrumented IL reaches through an ordinary P/Invoke-style transition: the
// thread is then in preemptive mode with a transition frame at the top of
// its frame chain, where the runtime starts the walk (from a hook called
// without the GC transition there is no such frame, and the walk would skip
// the most recent frames; watch/watch_runtime.h). The event mask has
// COR_PRF_ENABLE_STACK_SNAPSHOT, which the runtime allows after attach and
// reads (outside debug-build assertions) only in DoStackSnapshot: no cost
// while unused.
//
// FunctionID -> "Ns.Type::Method" goes through a small cache (at most
// kMaxCachedNames entries, emptied when full), so a hot caller costs one
// lookup; only captured events of --stack watches ever walk.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "abi/abi.h"
#include "agent/module_table.h"
#include "watch/watch_runtime.h"

namespace clrprobe::agent {

class StackWalker {
 public:
  static constexpr size_t kMaxCachedNames = 4096;

  StackWalker(abi::ICorProfilerInfo10* info, ModuleTable& modules) : info_(info), modules_(modules) {}

  // Up to watch::kMaxStackFrames callers, innermost first; the first frame
  // is left out when it is `watched` itself. Never throws: a failed walk
  // comes back as `error`.
  watch::StackCapture walk(const std::string& watched) noexcept;

  // "Ns.Type::Method" of a function ("?" when the runtime or the metadata
  // cannot say).
  std::string name_of(abi::FunctionID function);

 private:
  abi::ICorProfilerInfo10* info_;
  ModuleTable& modules_;
  std::mutex names_mutex_;
  std::unordered_map<abi::FunctionID, std::string> names_;
};

// The frames to report, from the names the walk found (innermost first):
// the first one dropped when it is `watched`, then at most `max_frames`.
std::vector<std::string> caller_frames(std::vector<std::string> walked, const std::string& watched, size_t max_frames);

}  // namespace clrprobe::agent
