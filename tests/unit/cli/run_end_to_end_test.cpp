// Runs the built clrprobe executable. No .NET runtime is involved: the
// "agent" is any existing file and COMMAND is a shell or this test binary.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace {
namespace fs = std::filesystem;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "in:\n" << (haystack)

constexpr char kReportJson[] =
    R"j({"pid":99,"probes":[{"id":1,"selector":"A.B::C","methods":["A.B::C()"],"calls":3,)j"
    R"j("exceptions":1,"latency_ns":{"p50":1500,"p90":2000,"p99":2500,"max":3000}}]})j";

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int code = -1;  // exit status, or 128+N if killed by signal N
  std::string out;
  std::string err;
};

class RunEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("clrprobe_e2e_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    agent_ = dir_ / "libclrprobe.so";
    std::ofstream(agent_) << "stand-in agent";
    // clrprobe starts from an environment without any CLRPROBE_/CORECLR_ variable of the
    // test's own (CI sets some for the tests): only what each test gives it.
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string variable(*entry);
      if (variable.rfind("CLRPROBE_", 0) == 0 || variable.rfind("CORECLR_", 0) == 0) {
        env_[variable.substr(0, variable.find('='))] = std::nullopt;
      }
    }
    env_["CLRPROBE_AGENT"] = agent_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts clrprobe with args; stdout/stderr go to files in dir_.
  pid_t start(const std::vector<std::string>& args) {
    std::vector<std::string> all = {CLRPROBE_EXE};
    all.insert(all.end(), args.begin(), args.end());
    pid_t pid = ::fork();
    if (pid == 0) {
      for (const auto& [name, value] : env_) {
        if (value) ::setenv(name.c_str(), value->c_str(), 1);
        else ::unsetenv(name.c_str());
      }
      if (::chdir(dir_.c_str()) != 0) ::_exit(99);
      if (!std::freopen((dir_ / "stdout").c_str(), "w", stdout)) ::_exit(98);
      if (!std::freopen((dir_ / "stderr").c_str(), "w", stderr)) ::_exit(98);
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(97);
    }
    return pid;
  }

  Outcome wait(pid_t pid) {
    int status = 0;
    Outcome o;
    if (::waitpid(pid, &status, 0) != pid) return o;
    o.code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    o.out = read_file(dir_ / "stdout");
    o.err = read_file(dir_ / "stderr");
    return o;
  }

  Outcome run(const std::vector<std::string>& args) { return wait(start(args)); }

  bool wait_for_file(const fs::path& p) {
    for (int i = 0; i < 500; ++i) {
      if (fs::exists(p)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  fs::path dir_;
  fs::path agent_;
  std::map<std::string, std::optional<std::string>> env_;
};

TEST_F(RunEndToEnd, TrueExitsZero) {
  Outcome o = run({"run", "--", "/bin/true"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "");
}

TEST_F(RunEndToEnd, ExitCodeIsPropagated) {
  EXPECT_EQ(run({"run", "--", "sh", "-c", "exit 7"}).code, 7);
  EXPECT_EQ(run({"run", "--", "false"}).code, 1);
}

TEST_F(RunEndToEnd, ProbesArePassedInTheEnvironment) {
  Outcome o = run({"run", "--probe", "A.B::C", "--agent", "/bin/true", "--", "sh", "-c",
                   "echo $CLRPROBE_PROBES"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "A.B::C\n");
}

TEST_F(RunEndToEnd, FullEnvironmentContract) {
  Outcome o = run({"run", "--probe", "A.B::C", "--probe", " D!E::F(int) ; re:^X", "--report", "r.json", "--log",
                   "logs/../agent.log", "--", "sh", "-c", "env | grep -E '^(CORECLR|CLRPROBE)_' | sort"});
  EXPECT_EQ(o.code, 0) << o.err;
  std::string dir = fs::canonical(dir_).string();
  std::string expected = "CLRPROBE_AGENT=" + agent_.string() + "\n" +
                         "CLRPROBE_LOG=" + dir + "/agent.log\n" +
                         "CLRPROBE_PROBES=A.B::C;D!E::F(int);re:^X\n" +
                         "CLRPROBE_REPORT=" + dir + "/r.json\n" +
                         "CORECLR_ENABLE_PROFILING=1\n"
                         "CORECLR_PROFILER={8f4e8a5c-3b6d-4c1e-9a77-5d2c1b0e9f31}\n"
                         "CORECLR_PROFILER_PATH=" + agent_.string() + "\n" +
                         "CORECLR_PROFILER_PATH_64=" + agent_.string() + "\n";
  EXPECT_EQ(o.out, expected);
}

TEST_F(RunEndToEnd, ArgumentsAfterDashesAreUntouched) {
  Outcome o = run({"run", "--", "sh", "-c", "echo \"$0|$1|$2\"", "x", "--probe", "-c"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "x|--probe|-c\n");
}

TEST_F(RunEndToEnd, CommandWithoutDashes) {
  Outcome o = run({"run", "--probe", "A::B", "echo", "hello", "world"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "hello world\n");
}

TEST_F(RunEndToEnd, MalformedSelectorIsRejectedBeforeRunning) {
  Outcome o = run({"run", "--probe", "A::B", "--probe", "MyApp.Store.GetById", "--", "sh", "-c", "touch ran"});
  EXPECT_EQ(o.code, 2);
  EXPECT_CONTAINS(o.err, "clrprobe: --probe 'MyApp.Store.GetById': invalid selector "
                         "'MyApp.Store.GetById': missing '::'");
  EXPECT_FALSE(fs::exists(dir_ / "ran"));

  Outcome list = run({"run", "--probe", "A::B;C::D(int", "--", "true"});
  EXPECT_EQ(list.code, 2);
  EXPECT_CONTAINS(list.err, "selector 2 of 2: invalid selector 'C::D(int': unbalanced parentheses");
  EXPECT_EQ(run({"run", "--probe", " ; ", "--", "true"}).code, 2);
  EXPECT_EQ(run({"run", "--probe", "re:(", "--", "true"}).code, 2);
}

// -p is the process id in every command (issue 13); `run -p SELECTOR` says so and runs nothing.
TEST_F(RunEndToEnd, TheOldShortProbeFlagSaysToUseProbe) {
  Outcome o = run({"run", "-p", "A::B", "--", "sh", "-c", "touch ran"});
  EXPECT_EQ(o.code, 2);
  EXPECT_CONTAINS(o.err, "clrprobe run: -p is the process id in every command now; give selectors with --probe");
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
}

TEST_F(RunEndToEnd, MissingAgentIsAnError) {
  env_["CLRPROBE_AGENT"] = (dir_ / "missing.so").string();
  Outcome o = run({"run", "--", "sh", "-c", "touch ran"});
  EXPECT_EQ(o.code, 2);
  EXPECT_CONTAINS(o.err, "missing.so (from CLRPROBE_AGENT) does not exist");
  EXPECT_FALSE(fs::exists(dir_ / "ran"));

  Outcome flag = run({"run", "--agent", (dir_ / "nope.so").string(), "--", "true"});
  EXPECT_EQ(flag.code, 2);
  EXPECT_CONTAINS(flag.err, "nope.so (from --agent) does not exist");
}

TEST_F(RunEndToEnd, MissingReportDirectoryIsAnError) {
  Outcome o = run({"run", "--report", "no/such/dir/r.json", "--", "sh", "-c", "touch ran"});
  EXPECT_EQ(o.code, 2);
  EXPECT_CONTAINS(o.err, "does not exist");
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
}

TEST_F(RunEndToEnd, CommandNotFoundOrNotExecutable) {
  Outcome o = run({"run", "--", "clrprobe-no-such-command"});
  EXPECT_EQ(o.code, 127);
  EXPECT_CONTAINS(o.err, "cannot run 'clrprobe-no-such-command': No such file or directory");
  std::ofstream(dir_ / "data.txt") << "x";
  Outcome n = run({"run", "--", "./data.txt"});
  EXPECT_EQ(n.code, 126);
  EXPECT_CONTAINS(n.err, "Permission denied");
}

TEST_F(RunEndToEnd, NoCommand) {
  Outcome o = run({"run", "--probe", "A::B"});
  EXPECT_EQ(o.code, 2);
  EXPECT_CONTAINS(o.err, "no COMMAND given");
}

TEST_F(RunEndToEnd, ChildKilledBySignal) {
  EXPECT_EQ(run({"run", "--", "sh", "-c", "kill -KILL $$"}).code, 128 + SIGKILL);
  EXPECT_EQ(run({"run", "--", "sh", "-c", "kill -TERM $$"}).code, 128 + SIGTERM);
}

class SignalForwarding : public RunEndToEnd, public ::testing::WithParamInterface<int> {};

TEST_P(SignalForwarding, SignalToClrprobeReachesTheChild) {
  int sig = GetParam();
  fs::path ready = dir_ / "ready";
  env_["HELPER_READY_FILE"] = ready.string();
  std::string self = fs::read_symlink("/proc/self/exe").string();
  pid_t pid = start({"run", "--", self, "--signal-helper"});
  ASSERT_TRUE(wait_for_file(ready));
  ASSERT_EQ(::kill(pid, sig), 0);
  Outcome o = wait(pid);
  EXPECT_EQ(o.code, 40 + sig) << o.err;  // the helper's "got signal" exit code
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalForwarding, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

TEST_F(RunEndToEnd, TablePrintsTheReportTheProgramLeft) {
  std::string script = std::string("printf '%s' '") + kReportJson + "' > \"$CLRPROBE_REPORT\"; exit 3";
  Outcome o = run({"run", "--probe", "A.B::C", "--report", "r.json", "--table", "--", "sh", "-c", script});
  EXPECT_EQ(o.code, 3);
  EXPECT_CONTAINS(o.err, "clrprobe report for pid 99: 1 probe\n");
  EXPECT_CONTAINS(o.err, "A.B::C()");
  EXPECT_CONTAINS(o.err, "1.50 µs");
  EXPECT_EQ(o.out, "");
  EXPECT_TRUE(fs::exists(dir_ / "r.json"));
}

TEST_F(RunEndToEnd, TableWithoutReportUsesATemporaryFile) {
  env_["TMPDIR"] = dir_.string();
  std::string script = std::string("printf '%s' '") + kReportJson +
                       "' > \"$CLRPROBE_REPORT\"; echo \"$CLRPROBE_REPORT\"";
  Outcome o = run({"run", "--table", "--", "sh", "-c", script});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_CONTAINS(o.err, "A.B::C()");
  std::string temp = o.out.substr(0, o.out.find('\n'));
  EXPECT_EQ(temp.rfind(dir_.string() + "/clrprobe-report-", 0), 0u) << temp;
  EXPECT_FALSE(fs::exists(temp));  // removed afterwards
}

TEST_F(RunEndToEnd, WarnsWhenNoReportIsWritten) {
  Outcome o = run({"run", "--report", "r.json", "--", "true"});
  EXPECT_EQ(o.code, 0);
  EXPECT_CONTAINS(o.err, "warning: no report was written to");
}

TEST_F(RunEndToEnd, ReportSubcommand) {
  std::ofstream(dir_ / "r.json") << kReportJson;
  Outcome table = run({"report", "r.json"});
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_CONTAINS(table.out, "clrprobe report for pid 99: 1 probe");
  EXPECT_CONTAINS(table.out, "2.50 µs");
  EXPECT_CONTAINS(table.out, "3.00 µs");

  Outcome json = run({"report", "r.json", "--json"});
  EXPECT_EQ(json.code, 0);
  EXPECT_CONTAINS(json.out, "\"pid\": 99");

  Outcome missing = run({"report", "none.json"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_CONTAINS(missing.err, "cannot read report 'none.json'");

  std::ofstream(dir_ / "bad.json") << "{";
  Outcome bad = run({"report", "bad.json"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_CONTAINS(bad.err, "is not valid JSON");
}

TEST_F(RunEndToEnd, HelpVersionAndUsageErrors) {
  Outcome help = run({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_CONTAINS(help.out, "Usage: clrprobe [OPTIONS] SUBCOMMAND");
  EXPECT_CONTAINS(help.out, "run");
  EXPECT_CONTAINS(help.out, "report");

  Outcome run_help = run({"run", "--help"});
  EXPECT_EQ(run_help.code, 0);
  EXPECT_CONTAINS(run_help.out, "Usage: clrprobe run [OPTIONS] -- COMMAND [ARGS...]");
  EXPECT_CONTAINS(run_help.out, "CLRPROBE_PROBES");

  Outcome version = run({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("clrprobe ", 0), 0u) << version.out;

  EXPECT_EQ(run({}).code, 2);
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({"run", "--no-such-flag", "--", "true"}).code, 2);
  EXPECT_EQ(run({"report"}).code, 2);
  EXPECT_EQ(run({"report", "a.json", "--", "x"}).code, 2);
}

}  // namespace
