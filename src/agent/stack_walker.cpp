#include "agent/stack_walker.h"

#include <array>

#include "agent/hresult_error.h"
#include "agent/metadata_names.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

constexpr HRESULT kStackSnapshotAborted = static_cast<HRESULT>(0x80131361);  // CORPROF_E_STACKSNAPSHOT_ABORTED

// The walked method itself plus kMaxStackFrames callers.
constexpr size_t kWalkLimit = watch::kMaxStackFrames + 1;

struct Walked {
  std::array<FunctionID, kWalkLimit> functions{};
  size_t count = 0;
};

// Called by the runtime for each managed frame and each run of native
// frames (function 0), innermost first; S_FALSE stops the walk.
HRESULT on_frame(FunctionID function, UINT_PTR, COR_PRF_FRAME_INFO, ULONG32, BYTE[], void* data) {
  auto* walked = static_cast<Walked*>(data);
  if (function == 0) return S_OK;
  walked->functions[walked->count++] = function;
  return walked->count < walked->functions.size() ? S_OK : S_FALSE;
}

}  // namespace

std::vector<std::string> caller_frames(std::vector<std::string> walked, const std::string& watched, size_t max_frames) {
  if (!walked.empty() && walked.front() == watched) walked.erase(walked.begin());
  if (walked.size() > max_frames) walked.resize(max_frames);
  return walked;
}

watch::StackCapture StackWalker::walk(const std::string& watched) noexcept {
  watch::StackCapture out;
  try {
    Walked walked;
    const HRESULT hr = info_->DoStackSnapshot(0, &on_frame, 0, &walked, nullptr, 0);
    if (hr < 0 && hr != kStackSnapshotAborted) {
      out.error = "the runtime refused the stack walk: hr=" + hresult_text(hr);
      return out;
    }
    std::vector<std::string> names;
    names.reserve(walked.count);
    for (size_t i = 0; i < walked.count; ++i) names.push_back(name_of(walked.functions[i]));
    out.frames = caller_frames(std::move(names), watched, watch::kMaxStackFrames);
  } catch (...) {
    out.frames.clear();
    out.error = "out of memory while naming the stack";
  }
  return out;
}

std::string StackWalker::name_of(FunctionID function) {
  {
    std::lock_guard lock(names_mutex_);
    if (auto it = names_.find(function); it != names_.end()) return it->second;
  }
  std::string name = "?";
  ClassID class_id = 0;
  ModuleID module_id = 0;
  mdToken token = 0;
  if (info_->GetFunctionInfo(function, &class_id, &module_id, &token) >= 0) {
    if (auto module = modules_.find(module_id)) {
      module->open_metadata();
      if (module->import) {
        if (auto props = method_props(module->import.get(), token)) {
          auto owner = typedef_full_name(module->import.get(), props->owner);
          name = (owner ? *owner : std::string("?")) + "::" + props->name;
        }
      }
    }
  }
  std::lock_guard lock(names_mutex_);
  if (names_.size() >= kMaxCachedNames) names_.clear();
  names_.emplace(function, name);
  return name;
}

}  // namespace clrprobe::agent
