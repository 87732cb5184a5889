// Applies the probes file and follows its edits: inotify on its directory
// (editors replace files, ConfigMaps swap symlinks) plus a once-a-second
// content check as a safety net. An invalid file is reported (log and
// `clrprobe list`) and the probes in force stay as they were.
#pragma once

#include <map>
#include <string>
#include <thread>

#include "agent/probe_service.h"

namespace clrprobe::agent {

class ProbesFileWatcher {
 public:
  ProbesFileWatcher(std::string path, ProbeService& service);
  ~ProbesFileWatcher();
  ProbesFileWatcher(const ProbesFileWatcher&) = delete;
  ProbesFileWatcher& operator=(const ProbesFileWatcher&) = delete;

  // Applies the file once, then watches it on a native thread.
  void start();
  void stop();

 private:
  void run();
  void apply_if_changed();

  std::string path_;
  ProbeService& service_;
  std::map<std::string, uint32_t> applied_;  // selector text -> probe id
  std::string last_content_;
  bool applied_once_ = false;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

}  // namespace clrprobe::agent
