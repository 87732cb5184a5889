// The CLI and the agent say which build they are, and the CLI warns when it
// talks to an agent of another build.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/list_command.h"
#include "common/build_info.h"
#include "control/frame.h"

namespace clrprobe::cli {
namespace {

nlohmann::json reply_from(const std::string& version, const std::string& commit) {
  return {{"pid", 42}, {"agent", {{"version", version}, {"commit", commit}, {"protocol", 1}}}, {"probes", nlohmann::json::array()}};
}

TEST(BuildIdentity, AnAgentOfTheSameBuildGetsNoWarning) {
  EXPECT_FALSE(agent_build_warning(42, reply_from(build_version(), build_commit())).has_value());
}

TEST(BuildIdentity, AnAgentOfAnotherVersionOrCommitIsNamedInTheWarning) {
  auto other_version = agent_build_warning(42, reply_from("9.9.9", build_commit()));
  ASSERT_TRUE(other_version.has_value());
  EXPECT_NE(other_version->find("clrprobe 9.9.9"), std::string::npos) << *other_version;
  EXPECT_NE(other_version->find(build_version()), std::string::npos) << *other_version;
  auto other_commit = agent_build_warning(42, reply_from(build_version(), "0123456789ab"));
  ASSERT_TRUE(other_commit.has_value());
  EXPECT_NE(other_commit->find("0123456789ab"), std::string::npos) << *other_commit;
}

TEST(BuildIdentity, AnAgentThatDoesNotReportItsBuildIsWarnedAbout) {
  auto warning = agent_build_warning(42, nlohmann::json{{"pid", 42}, {"probes", nlohmann::json::array()}});
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("pid 42"), std::string::npos) << *warning;
}

TEST(BuildIdentity, VersionFlagPrintsVersionCommitAndProtocol) {
  const std::string command = std::string(CLRPROBE_CLI_BINARY) + " --version";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  EXPECT_EQ(::pclose(pipe), 0);
  EXPECT_EQ(out, std::string("clrprobe ") + build_version() + " (commit " + build_commit() + ", control protocol " +
                     std::to_string(control::kProtocolVersion) + ")\n");
}

}  // namespace
}  // namespace clrprobe::cli
