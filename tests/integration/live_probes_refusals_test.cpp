// Live probes, what the agent refuses: an unknown pid, bad selectors, malformed frames on
// the control socket, another user. Each gets a clear error, nothing changes and the service
// (tests/apps/LiveService under `clrprobe run`) goes on serving. Split from
// live_probes_test.cpp, which checks the figures of probes that were accepted.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "agent_socket.h"
#include "live_probes_support.h"
#include "live_service.h"
#include "probe_session.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using namespace live_probes;

// (e) Unknown pid; a live process without the agent: clear errors, nonzero exit.
TEST_F(LiveProbes, UnknownPidIsAClearError) {
  ProbeSession session;
  const pid_t missing = UnusedPid();
  ASSERT_GT(missing, 0);
  const std::string self = std::to_string(::getpid());  // alive, not .NET, no agent
  for (const std::string& pid : {std::to_string(missing), self}) {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"add", "-p", pid, kPlainMethod},
                                                 {"list", "-p", pid},
                                                 {"remove", "-p", pid, "--all"},
                                                 {"stats", "-p", pid}}) {
      ProcessResult r = session.RunClrprobe(args, 30s);
      EXPECT_EQ(r.exit_code, 1) << DescribeCommand(args) << "\n" << r.err;
      EXPECT_TRUE(Contains(r.err, pid)) << DescribeCommand(args) << ": the error does not name the pid: " << r.err;
      EXPECT_TRUE(r.out.empty()) << r.out;
    }
  }
}

// (e) Selectors the agent must refuse, each with a clear message; nothing changes and the
// service goes on.
TEST_F(LiveProbes, BadSelectorsAreRefusedAndTheServiceGoesOn) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  for (const std::string selector : {"LiveService.Targets.Statics:Plain",
                                     "LiveService.Targets.Statics::", "LiveService.Targets.Statics::Plain(int", ""}) {
    ProcessResult r = session.RunClrprobe({"add", "-p", service.Pid(), selector}, 30s);
    EXPECT_EQ(r.exit_code, 2) << "malformed '" << selector << "': " << r.err;
    EXPECT_FALSE(r.err.empty()) << "no message for malformed '" << selector << "'";
  }

  ProcessResult nothing = session.RunClrprobe({"add", "-p", service.Pid(), "LiveService.Targets.NoSuchType::Nothing"});
  EXPECT_EQ(nothing.exit_code, 1) << nothing.err;
  EXPECT_TRUE(Contains(Lower(nothing.err), "match")) << "should say it matches nothing: " << nothing.err;

  ProcessResult many = session.RunClrprobe({"add", "-p", service.Pid(), kSeriesMethods, "--max-methods", "1"});
  EXPECT_EQ(many.exit_code, 1) << many.err;
  EXPECT_TRUE(Contains(many.err, "3")) << "should say how many matched (3): " << many.err;

  // A dry run shows the three methods and changes nothing either.
  auto dry = AddProbe(session, pid, kSeriesMethods, {"--dry-run"});
  ASSERT_TRUE(dry);
  EXPECT_EQ(IdOf(*dry), 0);
  EXPECT_EQ(dry->value("methods", nlohmann::json::array()).size(), 3u) << dry->dump(2);

  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty()) << "refused adds left probes behind";
  EXPECT_TRUE(service.StillServing());
  ExpectNoInvalidProgram(service, session);
}

// (e) Bytes the CLI never sends, straight to the socket: each connection gets an error
// reply or is closed, a stalled client does not block others, and the agent keeps serving.
TEST_F(LiveProbes, MalformedFramesOnTheSocketAreRejected) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const std::string dir = AgentRuntimeDir();
  const std::string path = AgentSocketPath(pid, dir);

  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0) << dir;
  EXPECT_EQ(st.st_mode & 0777, 0700u) << dir;
  ASSERT_EQ(::lstat(path.c_str(), &st), 0) << path;
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u) << path;

  // Sanity: a well-formed ping is answered, so the framing below is right.
  {
    RawConnection c(path);
    ASSERT_TRUE(c.connected()) << std::strerror(c.connect_errno());
    ASSERT_TRUE(c.Send(Frame(R"({"op":"ping"})")));
    auto reply = c.ReadUntilClosed(20s);
    std::string error;
    auto json = ParseFrame(reply.bytes, &error);
    ASSERT_TRUE(json) << error;
    EXPECT_EQ(json->value("ok", false), true) << json->dump();
    EXPECT_EQ(json->value("pid", 0), pid) << json->dump();
  }

  struct Case {
    std::string name;
    std::string bytes;
    bool half_close;      // shut down writing after sending
    bool reply_required;  // the connection still allows an error reply: it must come
  };
  std::string garbage;
  for (int i = 0; i < 64; ++i) garbage.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  const std::vector<Case> cases = {
      {"garbage", garbage, true, false},
      {"oversized length 0x7FFFFFFF", Frame("", 1, 0, 0x7FFFFFFFu), false, false},
      {"version 2", Frame(R"({"op":"list"})", 2), true, false},
      {"flags 1", Frame(R"({"op":"list"})", 1, 1), true, false},
      {"truncated payload", Frame(R"({"op":"li)", 1, 0, 13), true, false},
      {"payload not JSON", Frame("not json at all"), true, true},
      {"payload not an object", Frame("[1,2,3]"), true, true},
      {"unknown op", Frame(R"({"op":"format_disk"})"), true, true},
      {"add without selector", Frame(R"({"op":"add"})"), true, true},
      {"remove with a bad id", Frame(R"({"op":"remove","id":"x"})"), true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawConnection connection(path);
    ASSERT_TRUE(connection.connected()) << std::strerror(connection.connect_errno());
    connection.Send(c.bytes);  // the server may close before taking it all
    if (c.half_close) connection.ShutdownWrite();
    auto reply = connection.ReadUntilClosed(15s);
    EXPECT_FALSE(reply.timed_out) << "neither a reply nor a close within 15 s";
    if (!reply.bytes.empty() || c.reply_required) {
      std::string error;
      auto json = ParseFrame(reply.bytes, &error);
      ASSERT_TRUE(json) << "reply is not one frame: " << error;
      EXPECT_EQ(json->value("ok", true), false) << json->dump();
      EXPECT_TRUE(json->contains("error") && (*json)["error"].contains("reason")) << json->dump();
    }
    ProcessResult list = session.RunClrprobe({"list", "-p", service.Pid()}, 30s);
    EXPECT_EQ(list.exit_code, 0) << "list after '" << c.name << "': " << list.err;
  }

  // A client that sends half a header and waits holds up the next one at most for the
  // server's request timeout (5 s).
  {
    RawConnection stalled(path);
    ASSERT_TRUE(stalled.connected());
    stalled.Send("CLPB\x01");
    const auto start = Clock::now();
    ProcessResult list = session.RunClrprobe({"list", "-p", service.Pid()}, 30s);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_LT(waited, 10s) << "a stalled client blocked the next request";
    RecordProperty("list_behind_stalled_client_ms", static_cast<int>(waited.count()));
  }
  // Connections opened and dropped without a byte.
  for (int i = 0; i < 20; ++i) RawConnection drop(path);

  EXPECT_TRUE(service.StillServing());
  EXPECT_TRUE(WaitForAgent(session, pid, 10s));
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty()) << "a malformed request changed something";
}

// (e) Another user cannot reach the socket: its directory is 0700. The agent goes on.
TEST_F(LiveProbes, AnotherUserCannotConnect) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to another uid";
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const std::string path = AgentSocketPath(pid, AgentRuntimeDir());

  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Only async-signal-safe calls here: the test process has other threads.
    ::close(report[0]);
    int result = -1;
    const gid_t nogroup = 65534;
    if (::setgroups(0, nullptr) != 0 || ::setresgid(nogroup, nogroup, nogroup) != 0 ||
        ::setresuid(65534, 65534, 65534) != 0) {
      result = -2;
    } else {
      RawConnection c(path);
      result = c.connected() ? 0 : c.connect_errno();
    }
    (void)!::write(report[1], &result, sizeof result);
    ::_exit(0);
  }
  ::close(report[1]);
  int result = -1;
  ASSERT_EQ(::read(report[0], &result, sizeof result), static_cast<ssize_t>(sizeof result));
  ::close(report[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_NE(result, -2) << "could not switch to uid 65534";
  EXPECT_NE(result, 0) << "uid 65534 connected to " << path;
  EXPECT_EQ(result, EACCES) << "connect as uid 65534: " << std::strerror(result);

  EXPECT_TRUE(service.StillServing());
  EXPECT_TRUE(WaitForAgent(session, pid, 10s));
}

}  // namespace
}  // namespace clrprobe::itest
