#include "agent/probes_file_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "agent/log.h"
#include "agent/probes_file_format.h"

namespace clrprobe::agent {

namespace {

constexpr int kRecheckMs = 1000;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

ProbesFileWatcher::ProbesFileWatcher(std::string path, ProbeService& service)
    : path_(std::move(path)), service_(service) {}

ProbesFileWatcher::~ProbesFileWatcher() { stop(); }

void ProbesFileWatcher::start() {
  apply_if_changed();
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0) {
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
    if (inotify_add_watch(inotify_fd_, directory_of(path_).c_str(), mask) < 0) {
      CLRPROBE_LOG_WARN("probes file: cannot watch {}; checking every {} ms", directory_of(path_), kRecheckMs);
    }
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread([this] { run(); });
}

void ProbesFileWatcher::stop() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  inotify_fd_ = wake_fd_ = -1;
}

void ProbesFileWatcher::run() {
  for (;;) {
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    int ready = ::poll(fds, inotify_fd_ >= 0 ? 2 : 1, kRecheckMs);
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) return;
    if (ready > 0 && inotify_fd_ >= 0 && (fds[1].revents & POLLIN) != 0) {
      alignas(inotify_event) char buffer[4096];
      while (::read(inotify_fd_, buffer, sizeof buffer) > 0) {
      }
    }
    try {
      apply_if_changed();
    } catch (const std::exception& e) {
      CLRPROBE_LOG_ERROR("probes file: {}", e.what());
    } catch (...) {
      CLRPROBE_LOG_ERROR("probes file: unknown exception");
    }
  }
}

void ProbesFileWatcher::apply_if_changed() {
  auto content = read_file(path_);
  if (!content) {
    if (!applied_once_ || !last_content_.empty()) {
      CLRPROBE_LOG_WARN("probes file {} cannot be read; probes in force are kept", path_);
      service_.set_probes_file_status(path_, "cannot read the file; probes in force are kept");
      last_content_.clear();
      applied_once_ = true;
    }
    return;
  }
  if (applied_once_ && *content == last_content_) return;
  applied_once_ = true;
  last_content_ = *content;

  auto selectors = parse_probes_file(*content);
  if (!selectors) {
    CLRPROBE_LOG_ERROR("probes file {} is invalid, probes in force are kept: {}", path_, selectors.error().message);
    service_.set_probes_file_status(path_, selectors.error().message);
    return;
  }
  std::set<std::string> wanted;
  for (const auto& sel : *selectors) wanted.insert(sel.text());
  for (auto it = applied_.begin(); it != applied_.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    auto removed = service_.remove(it->second);
    // NotFound: it expired (its ttl) before its line went; nothing to remove.
    if (!removed && removed.error().reason != Reason::NotFound)
      CLRPROBE_LOG_WARN("probes file: removing probe {}: {}", it->second, removed.error().describe());
    it = applied_.erase(it);
  }
  for (auto& sel : *selectors) {
    if (applied_.count(sel.text()) != 0) continue;
    std::string text = sel.text();
    applied_[text] = service_.add_declared(std::move(sel.selector), ProbeSource::File, sel.kind, true, sel.budget);
  }
  CLRPROBE_LOG_INFO("probes file {} applied: {} probes", path_, applied_.size());
  service_.set_probes_file_status(path_, "");
}

}  // namespace clrprobe::agent
