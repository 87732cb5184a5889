#include "agent/rejit_controller.h"

#include <exception>
#include <system_error>

#include "agent/hresult_error.h"
#include "agent/instrumenter.h"
#include "agent/log.h"

namespace clrprobe::agent {

RejitController::RejitController(abi::ICorProfilerInfo10* info, Instrumenter& instrumenter)
    : info_(info), instrumenter_(instrumenter) {}

RejitController::~RejitController() { stop(); }

void RejitController::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void RejitController::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
  std::lock_guard lock(mutex_);
  for (auto& job : queue_) job.done->signal();
  queue_.clear();
}

RejitController::Counts RejitController::counts() const {
  return Counts{rejit_requests_.load(std::memory_order_relaxed), rejit_methods_.load(std::memory_order_relaxed),
                reverted_methods_.load(std::memory_order_relaxed)};
}

std::shared_ptr<Completion> RejitController::request_rejit(std::vector<MethodKey> methods) {
  return post(JobKind::Rejit, std::move(methods));
}

std::shared_ptr<Completion> RejitController::request_revert(std::vector<MethodKey> methods) {
  return post(JobKind::Revert, std::move(methods));
}

std::shared_ptr<Completion> RejitController::post(JobKind kind, std::vector<MethodKey> methods) {
  auto done = std::make_shared<Completion>();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      done->signal();
      return done;
    }
    // The thread starts with the first request, not at load: most processes
    // never ReJIT (start-up probes get their IL at first JIT), and a thread is
    // start-up CPU (issue 12 part 4).
    if (!thread_.joinable()) {
      try {
        thread_ = std::thread([this] { run(); });
      } catch (const std::system_error&) {
        done->signal();
        return done;
      }
    }
    queue_.push_back(Job{kind, std::move(methods), done});
  }
  cv_.notify_one();
  return done;
}

void RejitController::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    // One barrier per job: a bug here costs the probe, never the host.
    try {
      if (job.kind == JobKind::Rejit) {
        process_rejit(job);
      } else {
        process_revert(job);
      }
    } catch (const std::exception& e) {
      CLRPROBE_LOG_ERROR("rejit job failed: {}", e.what());
    } catch (...) {
      CLRPROBE_LOG_ERROR("rejit job failed: unknown exception");
    }
    job.done->signal();
  }
}

void RejitController::process_rejit(Job& job) {
  std::vector<abi::ModuleID> modules;
  std::vector<abi::mdMethodDef> methods;
  for (const auto& key : job.methods) {
    if (!instrumenter_.prepare(key)) continue;  // refused: logged and recorded
    modules.push_back(key.module);
    methods.push_back(key.token);
  }
  if (methods.empty()) return;
  {
    std::vector<MethodKey> keys;
    keys.reserve(methods.size());
    for (size_t i = 0; i < methods.size(); ++i) keys.push_back(MethodKey{modules[i], methods[i]});
    instrumenter_.rejit_requesting(keys);
  }
  abi::HRESULT hr = info_->RequestReJITWithInliners(abi::COR_PRF_REJIT_BLOCK_INLINING,
                                                     static_cast<abi::ULONG>(methods.size()),
                                                     modules.data(), methods.data());
  if (hr < 0) {
    const Error error = hresult_error("RequestReJITWithInliners", hr);
    CLRPROBE_LOG_ERROR("{} for {} methods", error.message, methods.size());
    for (size_t i = 0; i < methods.size(); ++i) {
      instrumenter_.fail(MethodKey{modules[i], methods[i]}, error.describe());
    }
    return;
  }
  {
    std::vector<MethodKey> keys;
    keys.reserve(methods.size());
    for (size_t i = 0; i < methods.size(); ++i) keys.push_back(MethodKey{modules[i], methods[i]});
    instrumenter_.rejit_requested(keys);
  }
  rejit_requests_.fetch_add(1, std::memory_order_relaxed);
  rejit_methods_.fetch_add(methods.size(), std::memory_order_relaxed);
  CLRPROBE_LOG_INFO("requested ReJIT of {} methods", methods.size());
}

}  // namespace clrprobe::agent

namespace clrprobe::agent {

void RejitController::process_revert(Job& job) {
  if (job.methods.empty()) return;
  std::vector<abi::ModuleID> modules;
  std::vector<abi::mdMethodDef> methods;
  for (const auto& key : job.methods) {
    modules.push_back(key.module);
    methods.push_back(key.token);
  }
  std::vector<abi::HRESULT> status(methods.size(), abi::S_OK);
  abi::HRESULT hr = info_->RequestRevert(static_cast<abi::ULONG>(methods.size()), modules.data(), methods.data(),
                                         status.data());
  if (hr < 0) {
    CLRPROBE_LOG_ERROR("RequestRevert for {} methods failed: hr={}", methods.size(), hresult_text(hr));
    return;
  }
  for (size_t i = 0; i < status.size(); ++i) {
    if (status[i] < 0) {
      CLRPROBE_LOG_WARN("revert of method {:#x} failed: hr={}", methods[i], hresult_text(status[i]));
    }
  }
  reverted_methods_.fetch_add(methods.size(), std::memory_order_relaxed);
  CLRPROBE_LOG_INFO("reverted {} methods", methods.size());
}

}  // namespace clrprobe::agent
