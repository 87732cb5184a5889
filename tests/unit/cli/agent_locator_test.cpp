#include "cli/agent_locator.h"

#include <sys/stat.h>

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "cli/export_launcher.h"

namespace clrprobe::cli {
namespace {
namespace fs = std::filesystem;

// A fake install tree: <root>/bin/clrprobe, <root>/lib/libclrprobe.so.
class AgentLocator : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) / ("clrprobe_locator_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "bin");
    fs::create_directories(root_ / "lib");
    exe_ = root_ / "bin" / "clrprobe";
    std::ofstream(exe_) << "";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path make_agent(const fs::path& p) {
    std::ofstream(p) << "not really an ELF";
    return p;
  }
  fs::path root_;
  fs::path exe_;
};

TEST_F(AgentLocator, DefaultIsLibNextToBin) {
  fs::path agent = make_agent(root_ / "lib" / "libclrprobe.so");
  auto r = locate_agent({std::nullopt, std::nullopt, exe_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, agent.lexically_normal());
}

TEST_F(AgentLocator, FallsBackToExecutableDirectory) {
  fs::path agent = make_agent(root_ / "bin" / "libclrprobe.so");
  auto r = locate_agent({std::nullopt, std::nullopt, exe_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, agent);
}

TEST_F(AgentLocator, MissingDefaultNamesWhatWasTried) {
  auto r = locate_agent({std::nullopt, std::string(), exe_});  // empty env is ignored
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::NotFound);
  EXPECT_NE(r.error().message.find((root_ / "lib" / "libclrprobe.so").string() + " does not exist"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("--agent PATH or set CLRPROBE_AGENT"), std::string::npos);
}

TEST_F(AgentLocator, FlagWinsOverEnvAndDefault) {
  make_agent(root_ / "lib" / "libclrprobe.so");
  fs::path flag = make_agent(root_ / "flag.so");
  fs::path env = make_agent(root_ / "env.so");
  auto r = locate_agent({flag.string(), env.string(), exe_});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, flag);
  auto e = locate_agent({std::nullopt, env.string(), exe_});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, env);
}

TEST_F(AgentLocator, ExplicitChoiceIsNotSecondGuessed) {
  make_agent(root_ / "lib" / "libclrprobe.so");
  auto r = locate_agent({(root_ / "nope.so").string(), std::nullopt, exe_});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("(from --agent) does not exist"), std::string::npos);
  auto e = locate_agent({std::nullopt, (root_ / "nope.so").string(), exe_});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("(from CLRPROBE_AGENT) does not exist"), std::string::npos);
  auto d = locate_agent({root_.string(), std::nullopt, exe_});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("is not a regular file"), std::string::npos);
}

TEST_F(AgentLocator, RelativePathsBecomeAbsolute) {
  fs::path agent = make_agent(root_ / "rel.so");
  fs::path old = fs::current_path();
  fs::current_path(root_);
  auto r = locate_agent({std::string("./sub/../rel.so"), std::nullopt, exe_});
  fs::current_path(old);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->is_absolute());
  EXPECT_EQ(*r, agent);
}

// The installed and unpacked layout (cmake --install, the tarball, the .deb):
// <prefix>/bin/clrprobe, <prefix>/lib/clrprobe/libclrprobe.so.
TEST_F(AgentLocator, FindsThePackageLayout) {
  fs::create_directories(root_ / "lib" / "clrprobe");
  fs::path agent = make_agent(root_ / "lib" / "clrprobe" / "libclrprobe.so");
  make_agent(root_ / "bin" / "libclrprobe.so");  // lower precedence
  auto r = locate_agent({std::nullopt, std::nullopt, exe_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, agent);
}

TEST_F(AgentLocator, ExportHelperNextToTheExecutableOrInLibClrprobe) {
  auto missing = locate_export_helper(exe_);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("clrprobe-export"), std::string::npos);

  fs::create_directories(root_ / "lib" / "clrprobe");
  fs::path installed = make_agent(root_ / "lib" / "clrprobe" / "clrprobe-export");
  ::chmod(installed.c_str(), 0755);
  auto r = locate_export_helper(exe_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, installed);

  fs::path build_tree = make_agent(root_ / "bin" / "clrprobe-export");
  ::chmod(build_tree.c_str(), 0755);
  auto b = locate_export_helper(exe_);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*b, build_tree);
}

TEST(CurrentExecutable, IsAbsolute) {
  auto exe = current_executable();
  ASSERT_TRUE(exe.ok());
  EXPECT_TRUE(exe->is_absolute());
}

}  // namespace
}  // namespace clrprobe::cli
