// A one-shot signal with a bounded wait: ModuleLoadFinished waits on one until
// the controller thread has requested that module's probes, but never forever.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace clrprobe::agent {

class Completion {
 public:
  void signal() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
  }
  // True if signalled within `timeout`.
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return done_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

}  // namespace clrprobe::agent
