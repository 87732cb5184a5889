// Owns the native thread that talks to the runtime's ReJIT machinery.
// RequestReJIT must not be called from inside ModuleLoadFinished (it can
// deadlock on the loader lock), so callbacks post work here and wait,
// bounded, for it to complete.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "abi/abi.h"
#include "agent/completion.h"
#include "agent/method_key.h"

namespace clrprobe::agent {

class Instrumenter;

class RejitController {
 public:
  RejitController(abi::ICorProfilerInfo10* info, Instrumenter& instrumenter);
  ~RejitController();
  RejitController(const RejitController&) = delete;
  RejitController& operator=(const RejitController&) = delete;

  void start();
  void stop();  // drains nothing: pending requests are dropped at shutdown

  // Prepare rewritten IL for `methods` and request their ReJIT (blocking
  // inlining, and re-JITting their inliners). The returned completion is
  // signalled when the request has been made (or failed).
  std::shared_ptr<Completion> request_rejit(std::vector<MethodKey> methods);
  // Return `methods` to their original IL (the probe's last owner left).
  // Their instrumented IL stays cached for a later re-add.
  std::shared_ptr<Completion> request_revert(std::vector<MethodKey> methods);

  // What was asked of the runtime so far (`list` reports it: a re-armed
  // probe must not add to it).
  struct Counts {
    uint64_t rejit_requests = 0;  // RequestReJITWithInliners calls that succeeded
    uint64_t rejit_methods = 0;   // methods in them
    uint64_t reverted_methods = 0;
  };
  Counts counts() const;

 private:
  enum class JobKind { Rejit, Revert };
  struct Job {
    JobKind kind = JobKind::Rejit;
    std::vector<MethodKey> methods;
    std::shared_ptr<Completion> done;
  };
  void run();
  std::shared_ptr<Completion> post(JobKind kind, std::vector<MethodKey> methods);
  void process_rejit(Job& job);
  void process_revert(Job& job);

  abi::ICorProfilerInfo10* info_;
  Instrumenter& instrumenter_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> rejit_requests_{0};
  std::atomic<uint64_t> rejit_methods_{0};
  std::atomic<uint64_t> reverted_methods_{0};
};

}  // namespace clrprobe::agent
