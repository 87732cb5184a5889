// A .NET process in its own pid and mount namespace (as in a container: its own /tmp,
// its own pids), probed from the host by its host pid, without Docker:
//
//   unshare --pid --mount --fork --mount-proc sh -c 'mount -t tmpfs tmpfs /tmp && "$@"' ...
//
// The test binaries live outside /tmp, so dotnet and LiveService.dll are visible inside;
// the namespace's /tmp is a private tmpfs, so its diagnostics socket and the agent's
// runtime directory are reachable from the host only through /proc/<pid>/root, and are
// named by its pid inside the namespace (NSpid). The agent library given to attach lives
// in the host's /tmp, invisible inside: clrprobe must copy it into the namespace's /tmp.
// `clrprobe export` on the host publishes the process under its host pid.
//
// Needs the privilege to create namespaces (CI runs as root). Without it the test FAILS,
// saying so: it is not skipped.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "agent_socket.h"
#include "live_service.h"
#include "probe_session.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;

std::string StatusField(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key + ":", 0) == 0) return line.substr(key.size() + 1);
  }
  return "";
}

std::vector<long> Numbers(const std::string& text) {
  std::vector<long> out;
  std::istringstream in(text);
  for (long v; in >> v;) out.push_back(v);
  return out;
}

bool DescendsFrom(pid_t pid, pid_t ancestor) {
  for (int depth = 0; depth < 16 && pid > 1; ++depth) {
    if (pid == ancestor) return true;
    auto ppid = Numbers(StatusField(pid, "PPid"));
    if (ppid.empty()) return false;
    pid = static_cast<pid_t>(ppid[0]);
  }
  return pid == ancestor;
}

// The host pid of the process that is `ns_pid` in a namespace created by `ancestor`.
pid_t HostPidOf(pid_t ns_pid, pid_t ancestor) {
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return -1;
  pid_t found = -1;
  while (const dirent* e = ::readdir(d)) {
    const pid_t pid = static_cast<pid_t>(std::atol(e->d_name));
    if (pid <= 0) continue;
    auto nspid = Numbers(StatusField(pid, "NSpid"));
    if (nspid.size() >= 2 && nspid.back() == ns_pid && DescendsFrom(pid, ancestor)) {
      found = pid;
      break;
    }
  }
  ::closedir(d);
  return found;
}

std::string AgentInBuildTree() {
  return (std::filesystem::path(ClrprobeExe()).parent_path().parent_path() / "lib" / "libclrprobe.so").string();
}

// The namespaces can be created here (root, or unprivileged user namespaces are not used).
::testing::AssertionResult CanCreateNamespaces() {
  ProcessResult r = RunProcess({"unshare", "--pid", "--mount", "--fork", "--mount-proc", "sh", "-c",
                                "mount -t tmpfs tmpfs /tmp && test -d /proc/1"});
  if (r.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "cannot create a pid and mount namespace with a private /tmp (unshare --pid --mount --fork "
            "--mount-proc, then mount -t tmpfs): exit "
         << r.exit_code << " " << r.error << " " << r.err << "; this test needs root (or CAP_SYS_ADMIN), as in CI";
}

// The container gets a private, empty /tmp. A build tree under /tmp (a checkout in /tmp)
// would vanish from its view along with the test programs, so the namespace keeps the
// top directory of the tree visible: the old /tmp is bind-mounted on /mnt, the tmpfs
// goes on /tmp, and that one directory is bind-mounted back (KEEP_UNDER_TMP; the
// userns launcher does the same). Everything else of the host's /tmp stays hidden.
// /dev/shm is private too, as container runtimes make it (the agent's runtime directory
// is there when it is a tmpfs).
std::string BuildTreeTopUnderTmp() {
  const std::filesystem::path exe = std::filesystem::weakly_canonical(ClrprobeExe());
  auto part = exe.begin();
  if (exe.is_absolute() && ++part != exe.end() && *part == "tmp" && ++part != exe.end()) {
    return "/tmp/" + part->string();
  }
  return "";
}

constexpr const char* kPrivateTmp =
    "if [ -n \"$KEEP_UNDER_TMP\" ]; then "
    "mount --rbind /tmp /mnt && mount -t tmpfs tmpfs /tmp && mkdir -p \"$KEEP_UNDER_TMP\" && "
    "mount --rbind \"/mnt${KEEP_UNDER_TMP#/tmp}\" \"$KEEP_UNDER_TMP\" && umount -l /mnt; "
    "else mount -t tmpfs tmpfs /tmp; fi && mount -t tmpfs tmpfs /dev/shm";

class NamespaceAttach : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LiveAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
    ASSERT_TRUE(CanCreateNamespaces());
    // The host's runtime directory rules must not apply to the container.
    session_.SetEnv("CLRPROBE_RUNTIME_DIR", std::nullopt);
    session_.SetEnv("TMPDIR", std::nullopt);
    // An agent only the host can see: in the host's /tmp.
    char dir[] = "/tmp/clrprobe-ns-agent-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    host_only_dir_ = dir;
    host_only_agent_ = host_only_dir_ + "/libclrprobe.so";
    std::error_code ec;
    std::filesystem::copy_file(AgentInBuildTree(), host_only_agent_, ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  void TearDown() override {
    std::error_code ec;
    if (!host_only_dir_.empty()) std::filesystem::remove_all(host_only_dir_, ec);
  }

  LiveService::Options InNamespace() {
    LiveService::Options options;
    options.WithoutAgent();
    options.env["CLRPROBE_RUNTIME_DIR"] = std::nullopt;
    options.env["TMPDIR"] = std::nullopt;
    // sh stays pid 1 (it reaps), so dotnet gets a small pid of its own, unlike its host pid.
    options.env["KEEP_UNDER_TMP"] = BuildTreeTopUnderTmp();
    options.Wrap({"unshare", "--pid", "--mount", "--fork", "--mount-proc", "sh", "-c",
                  std::string("{ ") + kPrivateTmp + "; } || exit 99; \"$@\"; exit $?", "sh"});
    return options;
  }

  // The "agent" column of `clrprobe ps --json` for this pid ("" when not listed).
  std::string PsAgentOf(pid_t pid) {
    CliJson ps = RunClrprobeJson(session_, {"ps", "--json"});
    if (!ps.json) {
      ADD_FAILURE() << ps.process.err << ps.json_error;
      return "";
    }
    for (const auto& p : (*ps.json)["processes"]) {
      if (p.value("pid", 0) == pid) return p.value("agent", "");
    }
    ADD_FAILURE() << "ps does not list " << pid << ": " << ps.process.out;
    return "";
  }

  ProbeSession session_;
  std::string host_only_dir_;
  std::string host_only_agent_;
};

TEST_F(NamespaceAttach, AProcessInItsOwnPidAndMountNamespaceIsProbedFromTheHostByItsHostPid) {
  LiveService service(session_, InNamespace().Arg("--paused"));
  ASSERT_TRUE(service.Started());
  const pid_t ns_pid = service.pid();  // "ready pid=N" says the pid inside
  // Its host pid: the dotnet process under this test's unshare.
  pid_t host_pid = -1;
  for (int i = 0; i < 50 && host_pid < 0; ++i) {
    host_pid = HostPidOf(ns_pid, ::getpid());
    if (host_pid < 0) std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(host_pid, 0) << "no process with NSpid ... " << ns_pid << " under this test";
  ASSERT_NE(host_pid, ns_pid);
  const std::string host = std::to_string(host_pid);
  const std::string root = "/proc/" + host + "/root";

  // Its /tmp is not ours: the diagnostics socket is only visible through its root.
  bool socket_inside = false;
  for (const auto& entry : std::filesystem::directory_iterator(root + "/tmp")) {
    socket_inside = socket_inside ||
                    entry.path().filename().string().rfind("dotnet-diagnostic-" + std::to_string(ns_pid) + "-", 0) == 0;
  }
  ASSERT_TRUE(socket_inside) << "the namespace's runtime opened no diagnostics socket in its /tmp";

  // ps lists it by its host pid, without an agent yet.
  EXPECT_EQ(PsAgentOf(host_pid), "none");

  // attach: the agent is copied into the namespace's /tmp, owned by the process's user.
  CliJson attached = RunClrprobeJson(
      session_, {"attach", "-p", host, "--agent", host_only_agent_, "--log", session_.LogPath(), "--json"});
  ASSERT_TRUE(attached.json) << attached.process.err << attached.json_error;
  const nlohmann::json& j = *attached.json;
  EXPECT_EQ(j.value("pid", 0), host_pid) << j.dump(2);
  EXPECT_EQ(j.value("ns_pid", 0), ns_pid) << j.dump(2);
  const std::string agent_inside = j.value("agent", "");
  EXPECT_EQ(agent_inside.rfind("/tmp/clrprobe-agent-", 0), 0u) << j.dump(2);
  EXPECT_EQ(j.value("agent_copied_to", ""), root + agent_inside) << j.dump(2);
  struct stat copy {};
  ASSERT_EQ(::stat((root + agent_inside).c_str(), &copy), 0);
  struct stat target_status {};
  ASSERT_EQ(::stat(("/proc/" + host).c_str(), &target_status), 0);
  EXPECT_EQ(copy.st_uid, target_status.st_uid);
  EXPECT_EQ(copy.st_mode & 0777, 0644u);
  EXPECT_EQ(j.value("control_socket", ""), root + DefaultRuntimeBase(root) + "/clrprobe-" +
                                               std::to_string(target_status.st_uid) + "/" + std::to_string(ns_pid) +
                                               ".sock")
      << j.dump(2);
  EXPECT_TRUE(Contains(j.value("diagnostics_socket", ""), root + "/tmp/dotnet-diagnostic-" + std::to_string(ns_pid)))
      << j.dump(2);
  // The agent in the namespace found the copied library, not the host's.
  EXPECT_FALSE(std::filesystem::exists(root + host_only_agent_));

  // add counts exactly the calls the service made.
  auto before = service.Pause();
  ASSERT_TRUE(before);
  auto probe = AddProbe(session_, host_pid, kInstanceMethod);
  ASSERT_TRUE(probe);
  EXPECT_EQ(StateOf(*probe), "active") << probe->dump(2);
  auto after = service.RunIterations(400);
  ASSERT_TRUE(after);
  const int64_t service_calls = after->Calls(kInstanceMethod) - before->Calls(kInstanceMethod);
  EXPECT_GT(service_calls, 0);

  auto listed = ListProbes(session_, host_pid);
  ASSERT_TRUE(listed);
  ASSERT_NE(FindById(*listed, IdOf(*probe)), nullptr);

  auto stats = Stats(session_, host_pid);
  ASSERT_TRUE(stats);
  const ProbeReport* counted = FindProbeById(*stats, IdOf(*probe));
  ASSERT_NE(counted, nullptr) << stats->raw.dump(2);
  EXPECT_EQ(counted->calls, service_calls) << "probe in a namespace vs the service's own count";
  EXPECT_TRUE(stats->raw.value("running", false)) << stats->raw.dump(2);

  // ps now sees the agent (its files are in the namespace's runtime directory).
  EXPECT_EQ(PsAgentOf(host_pid), "loaded");

  // export (as root on the host) publishes it under its host pid, alive, with these calls.
  ProcessResult exported = session_.RunClrprobe({"export", "--once"}, 60s);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  // Its service name comes from its own command line, read through the host's /proc.
  EXPECT_TRUE(Contains(
      exported.out, "clrprobe_up{pid=\"" + host + "\",process=\"dotnet\",service=\"unknown_service:LiveService\"} 1"))
      << exported.out;
  bool exported_calls = false;
  std::istringstream metrics(exported.out);
  for (std::string line; std::getline(metrics, line);) {
    if (line.rfind("clrprobe_calls_total{pid=\"" + host + "\"", 0) == 0 && Contains(line, "Accumulator::Add")) {
      exported_calls = true;
      EXPECT_EQ(line.substr(line.rfind(' ') + 1), std::to_string(service_calls)) << line;
    }
  }
  EXPECT_TRUE(exported_calls) << exported.out;

  // remove: the figures freeze; the service runs on.
  auto removed = RemoveAllProbes(session_, host_pid);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->size(), 1u);
  ASSERT_TRUE(service.Resume());
  EXPECT_TRUE(service.StillServing());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0) << service.Stderr();
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
}

// A second attach to the same namespaced process finds its agent (through its root, by
// its namespace pid) and changes nothing.
TEST_F(NamespaceAttach, AttachingTwiceToANamespacedProcessSaysAlreadyAttached) {
  LiveService service(session_, InNamespace());
  ASSERT_TRUE(service.Started());
  pid_t host_pid = -1;
  for (int i = 0; i < 50 && host_pid < 0; ++i) {
    host_pid = HostPidOf(service.pid(), ::getpid());
    if (host_pid < 0) std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(host_pid, 0);
  const std::string host = std::to_string(host_pid);
  ProcessResult first = session_.RunClrprobe({"attach", "-p", host, "--log", session_.LogPath()}, 60s);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(Contains(first.out, "attached to process " + host)) << first.out;
  ProcessResult second = session_.RunClrprobe({"attach", "-p", host}, 60s);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(Contains(second.out, "clrprobe is already attached to process " + host)) << second.out;
  EXPECT_TRUE(service.StillServing());
}

// A rootless container: its own user namespace too, uid 0 inside being 100000 outside.
// The agent accepts only its own uid or root AS SEEN INSIDE (SO_PEERCRED); host root is
// "nobody" there, so clrprobe connects as uid 100000 (this thread only). Every live
// command working, with exact counts, is what shows it.
TEST_F(NamespaceAttach, ARootlessContainerIsReachedAsItsOwnUser) {
  constexpr uid_t kOuter = 100000;
  LiveService::Options options = InNamespace();
  options.Wrap({CLRPROBE_ITEST_USERNS_LAUNCHER, std::to_string(kOuter), "--", "sh", "-c", "\"$@\"; exit $?", "sh"});
  options.Arg("--paused");
  LiveService service(session_, options);
  ASSERT_TRUE(service.Started());
  pid_t host_pid = -1;
  for (int i = 0; i < 50 && host_pid < 0; ++i) {
    host_pid = HostPidOf(service.pid(), ::getpid());
    if (host_pid < 0) std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(host_pid, 0);
  const std::string host = std::to_string(host_pid);
  struct stat proc_dir {};
  ASSERT_EQ(::stat(("/proc/" + host).c_str(), &proc_dir), 0);
  ASSERT_EQ(proc_dir.st_uid, kOuter) << "the service does not run as uid " << kOuter << " outside";

  CliJson attached = RunClrprobeJson(session_, {"attach", "-p", host, "--json"});
  ASSERT_TRUE(attached.json) << attached.process.err << attached.json_error;
  // uid 0 inside: its runtime directory is <base>/clrprobe-0 there (/dev/shm
  // when that is a tmpfs there), owned by 100000 here.
  const std::string root = "/proc/" + host + "/root";
  const std::string socket = root + DefaultRuntimeBase(root) + "/clrprobe-0/" + std::to_string(service.pid()) + ".sock";
  EXPECT_EQ(attached.json->value("control_socket", ""), socket) << attached.json->dump(2);
  struct stat socket_stat {};
  ASSERT_EQ(::stat(socket.c_str(), &socket_stat), 0);
  EXPECT_EQ(socket_stat.st_uid, kOuter);

  auto before = service.Pause();
  ASSERT_TRUE(before);
  auto probe = AddProbe(session_, host_pid, kInstanceMethod);
  ASSERT_TRUE(probe);
  auto after = service.RunIterations(300);
  ASSERT_TRUE(after);
  auto stats = Stats(session_, host_pid);
  ASSERT_TRUE(stats);
  const ProbeReport* counted = FindProbeById(*stats, IdOf(*probe));
  ASSERT_NE(counted, nullptr) << stats->raw.dump(2);
  EXPECT_EQ(counted->calls, after->Calls(kInstanceMethod) - before->Calls(kInstanceMethod));
  auto removed = RemoveAllProbes(session_, host_pid);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->size(), 1u);
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0) << service.Stderr();
}

// A container with its own user namespace, created by root, whose processes run as uid
// 65534 outside: clrprobe running as uid 65534 too passes the uid check but may not enter
// it (no CAP_SYS_PTRACE in that user namespace), and says so.
TEST_F(NamespaceAttach, AContainerThisUserCannotEnterIsNamedAsSuch) {
  ASSERT_EQ(::geteuid(), 0u) << "this test runs clrprobe as uid 65534 through setpriv, which needs root (as in CI)";
  LiveService::Options options = InNamespace();
  options.Wrap({CLRPROBE_ITEST_USERNS_LAUNCHER, "65534", "--", "sh", "-c", "\"$@\"; exit $?", "sh"});
  LiveService service(session_, options);
  ASSERT_TRUE(service.Started());
  pid_t host_pid = -1;
  for (int i = 0; i < 50 && host_pid < 0; ++i) {
    host_pid = HostPidOf(service.pid(), ::getpid());
    if (host_pid < 0) std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(host_pid, 0);
  const std::string host = std::to_string(host_pid);
  for (const char* command : {"attach", "list"}) {
    ProcessResult r =
        RunProcess({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ClrprobeExe(), command, "-p", host},
                   session_.PlainOptions());
    EXPECT_EQ(r.exit_code, 1) << command << ": " << r.error << r.err;
    EXPECT_TRUE(Contains(r.err, "process " + host + " (pid " + std::to_string(service.pid()) +
                                    " in its namespace) cannot be entered: its namespaces are closed to uid 65534"))
        << command << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, "/proc/" + host + "/ns/mnt: Permission denied")) << r.err;
  }
  EXPECT_TRUE(service.StillServing());
}

}  // namespace
}  // namespace clrprobe::itest
