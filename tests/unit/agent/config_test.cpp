#include "agent/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>
#include <string>

namespace clrprobe::agent {
namespace {

// Sets (or with nullopt unsets) variables for one test and restores them after it.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
      set(name, value);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) set(name, value);
  }

 private:
  static void set(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

const std::map<std::string, std::optional<std::string>> kNothingSet = {{"CLRPROBE_PROBES", std::nullopt},
                                                                       {"CLRPROBE_REPORT", std::nullopt},
                                                                       {"CLRPROBE_LOG", std::nullopt},
                                                                       {"CLRPROBE_PROBES_FILE", std::nullopt},
                                                                       {"CLRPROBE_MODULE_WAIT_MS", std::nullopt},
                                                                       {"CLRPROBE_STATS_SLOTS", std::nullopt}};

TEST(AgentConfig, WithNothingSetItHasNoProbesNoFilesAndTheDefaultLimits) {
  ScopedEnv env(kNothingSet);
  const AgentConfig config = AgentConfig::from_environment();
  EXPECT_EQ(config.probes, "");
  EXPECT_EQ(config.report_path, "");
  EXPECT_EQ(config.log_path, "");
  EXPECT_EQ(config.probes_file, "");
  EXPECT_EQ(config.module_wait_ms, 5000u);
  EXPECT_EQ(config.stats_slots, stats::kDefaultSlotCapacity);
  EXPECT_EQ(config.stats_dir, default_stats_dir());
  EXPECT_FALSE(config.stats_dir.empty());
}

TEST(AgentConfig, ReadsEachVariableAsItIs) {
  auto values = kNothingSet;
  values["CLRPROBE_PROBES"] = "A.B::C;D!E::F(int)";
  values["CLRPROBE_REPORT"] = "/tmp/r.json";
  values["CLRPROBE_LOG"] = "/tmp/agent.log";
  values["CLRPROBE_PROBES_FILE"] = "/etc/probes.txt";
  values["CLRPROBE_MODULE_WAIT_MS"] = "250";
  values["CLRPROBE_STATS_SLOTS"] = "100000";
  ScopedEnv env(values);
  const AgentConfig config = AgentConfig::from_environment();
  EXPECT_EQ(config.probes, "A.B::C;D!E::F(int)");
  EXPECT_EQ(config.report_path, "/tmp/r.json");
  EXPECT_EQ(config.log_path, "/tmp/agent.log");
  EXPECT_EQ(config.probes_file, "/etc/probes.txt");
  EXPECT_EQ(config.module_wait_ms, 250u);
  EXPECT_EQ(config.stats_slots, 100000u);
}

TEST(AgentConfig, ModuleWaitOutsideZeroToSixtySecondsOrNotANumberKeepsTheDefault) {
  for (const char* bad : {"60001", "-1", "5s", "", "1e3", "99999999999999999999"}) {
    auto values = kNothingSet;
    values["CLRPROBE_MODULE_WAIT_MS"] = bad;
    ScopedEnv env(values);
    EXPECT_EQ(AgentConfig::from_environment().module_wait_ms, 5000u) << '"' << bad << '"';
  }
  for (auto [text, ms] : {std::pair{"0", 0u}, std::pair{"60000", 60000u}}) {
    auto values = kNothingSet;
    values["CLRPROBE_MODULE_WAIT_MS"] = text;
    ScopedEnv env(values);
    EXPECT_EQ(AgentConfig::from_environment().module_wait_ms, ms) << text;
  }
}

TEST(AgentConfig, StatsSlotsOutsideOneToTwoToTheTwentyOrNotANumberKeepTheDefault) {
  for (const char* bad : {"0", "1048577", "-5", "many", "12abc"}) {
    auto values = kNothingSet;
    values["CLRPROBE_STATS_SLOTS"] = bad;
    ScopedEnv env(values);
    EXPECT_EQ(AgentConfig::from_environment().stats_slots, stats::kDefaultSlotCapacity) << '"' << bad << '"';
  }
  for (auto [text, slots] : {std::pair{"1", 1u}, std::pair{"1048576", 1048576u}}) {
    auto values = kNothingSet;
    values["CLRPROBE_STATS_SLOTS"] = text;
    ScopedEnv env(values);
    EXPECT_EQ(AgentConfig::from_environment().stats_slots, slots) << text;
  }
}

}  // namespace
}  // namespace clrprobe::agent
