// `clrprobe export` as a program: arguments, --once, serving until SIGTERM.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "export_test_support.h"

namespace clrprobe::exporter {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeAgent;
using testing::method_entry;
using testing::probe_entry;

// The clrprobe binary with pipes on stdout and stderr.
class Cli {
 public:
  explicit Cli(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) std::abort();
    std::vector<std::string> argv_strings = {CLRPROBE_CLI_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      int in = ::open("/dev/null", O_RDONLY);
      ::dup2(in, 0);
      std::vector<char*> argv;
      for (std::string& s : argv_strings) argv.push_back(s.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Cli() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      Wait(5s);
    }
    ::close(out_);
    ::close(err_);
  }

  // Reads stdout until a line starting with `prefix`; empty on timeout/EOF.
  std::string ReadLine(const std::string& prefix, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (auto nl = out_text_.find('\n', scanned_); nl != std::string::npos; nl = out_text_.find('\n', scanned_)) {
        std::string line = out_text_.substr(scanned_, nl - scanned_);
        scanned_ = nl + 1;
        if (line.rfind(prefix, 0) == 0) return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Pump(out_, out_text_, left)) return "";
    }
  }

  // Exit code (128+signal), -1 on timeout. Collects the output.
  int Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return -1;
      Pump(out_, out_text_, 10ms);
      Pump(err_, err_text_, 1ms);
    }
    pid_ = -1;
    while (Pump(out_, out_text_, 0ms)) {
    }
    while (Pump(err_, err_text_, 0ms)) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void Signal(int signal) { ::kill(pid_, signal); }
  const std::string& out() const { return out_text_; }
  const std::string& err() const { return err_text_; }

 private:
  static bool Pump(int fd, std::string& into, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0) return false;
    into.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string out_text_, err_text_;
  std::size_t scanned_ = 0;
};

int RunToEnd(Cli& cli) { return cli.Wait(30s); }

// Sets environment variables for the programs this test starts, and restores them.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<std::string, std::string>> variables) {
    for (const auto& [name, value] : variables) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// An OTLP receiver on loopback keeping the requests to /v1/metrics.
class OtlpReceiver {
 public:
  OtlpReceiver() {
    server_.Post("/v1/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
      res.set_content("", "application/x-protobuf");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~OtlpReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<httplib::Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<httplib::Request> requests_;
};

TEST(ExportCommand, RefusesANonLoopbackAddressWithoutListenAny) {
  Cli cli({"export", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(RunToEnd(cli), 2);
  EXPECT_NE(cli.err().find("not a loopback address"), std::string::npos) << cli.err();
  EXPECT_NE(cli.err().find("--listen-any"), std::string::npos) << cli.err();
}

TEST(ExportCommand, RefusesMalformedArguments) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", "--listen", "9464"}, {"export", "--otlp", "ftp://host/v1/metrics"},
        {"export", "--interval", "0"}}) {
    Cli cli(args);
    EXPECT_EQ(RunToEnd(cli), 2) << args[1] << " " << args[2] << ": " << cli.err();
  }
}

TEST(ExportCommand, RefusesMalformedOtlpSettingsFromFlagsOrTheEnvironment) {
  {
    Cli cli({"export", "--once", "--otlp", "http://127.0.0.1:1/v1/metrics", "--otlp-protocol", "grpc"});
    EXPECT_EQ(RunToEnd(cli), 2);
    EXPECT_NE(cli.err().find("--otlp-protocol 'grpc': gRPC is not supported"), std::string::npos) << cli.err();
  }
  {
    ScopedEnv env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"}, {"OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"}});
    Cli cli({"export", "--once"});
    EXPECT_EQ(RunToEnd(cli), 2);
    EXPECT_NE(cli.err().find("OTEL_EXPORTER_OTLP_COMPRESSION 'zstd'"), std::string::npos) << cli.err();
  }
}

TEST(ExportCommand, PushesProtobufToTheEndpointAndHeadersOfTheEnvironment) {
  testing::TempDir dir;
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  for (int i = 0; i < 4; ++i) agent.record(a, 1000);
  agent.write_probes(json::array({probe_entry(7, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  OtlpReceiver receiver;
  // The generic endpoint is a base: /v1/metrics is appended.
  ScopedEnv env({{"OTEL_EXPORTER_OTLP_ENDPOINT", receiver.base()},
                 {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret,x-scope=team%20a"},
                 {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}});
  Cli cli({"export", "--once", "--runtime-dir", dir.path(), "--otlp-header", "x-extra=1"});
  ASSERT_EQ(RunToEnd(cli), 0) << cli.err();
  const std::vector<httplib::Request> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u) << cli.err();
  const httplib::Request& req = requests[0];
  EXPECT_EQ(req.get_header_value("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(req.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(req.get_header_value("api-key"), "s3cret");
  EXPECT_EQ(req.get_header_value("x-scope"), "team a");
  EXPECT_EQ(req.get_header_value("x-extra"), "1");
  std::string text;
  ASSERT_TRUE(testing::protoc_decode(req.body, text));
  EXPECT_NE(text.find("string_value: \"Ns.T::A()\""), std::string::npos) << text;
  EXPECT_NE(text.find("as_int: 4"), std::string::npos) << text;
}

TEST(ExportCommand, NoPidLabelLeavesThePidOut) {
  testing::TempDir dir;
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 1000);
  agent.write_probes(json::array({probe_entry(7, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  Cli cli({"export", "--once", "--no-pid-label", "--runtime-dir", dir.path()});
  ASSERT_EQ(RunToEnd(cli), 0) << cli.err();
  EXPECT_EQ(cli.out().find("pid="), std::string::npos) << cli.out();
  EXPECT_NE(cli.out().find("clrprobe_calls_total{process=\""), std::string::npos) << cli.out();
}

TEST(ExportCommand, OncePrintsTheExpositionOfEveryAgentInTheRuntimeDirectory) {
  testing::TempDir dir;
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  for (int i = 0; i < 3; ++i) agent.record(a, 1000);
  agent.write_probes(json::array({probe_entry(7, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  Cli cli({"export", "--once", "--runtime-dir", dir.path()});
  ASSERT_EQ(RunToEnd(cli), 0) << cli.err();
  EXPECT_NE(cli.out().find("clrprobe_calls_total{pid=\"" + std::to_string(::getpid()) + "\",process=\""),
            std::string::npos)
      << cli.out();
  EXPECT_NE(cli.out().find("probe_id=\"7\",selector=\"Ns.T::A\",method=\"Ns.T::A()\"} 3\n"), std::string::npos)
      << cli.out();
  EXPECT_NE(cli.out().find("clrprobe_processes 1\n"), std::string::npos);

  // Without --runtime-dir: the directories `clrprobe ps` reads ($CLRPROBE_RUNTIME_DIR).
  const char* old = std::getenv("CLRPROBE_RUNTIME_DIR");
  const std::optional<std::string> saved = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
  ::setenv("CLRPROBE_RUNTIME_DIR", dir.path().c_str(), 1);
  Cli from_env({"export", "--once"});
  const int rc = RunToEnd(from_env);
  if (saved) {
    ::setenv("CLRPROBE_RUNTIME_DIR", saved->c_str(), 1);
  } else {
    ::unsetenv("CLRPROBE_RUNTIME_DIR");
  }
  ASSERT_EQ(rc, 0) << from_env.err();
  EXPECT_NE(from_env.out().find("probe_id=\"7\",selector=\"Ns.T::A\",method=\"Ns.T::A()\"} 3\n"), std::string::npos)
      << from_env.out();
}

TEST(ExportCommand, ServesUntilSigterm) {
  testing::TempDir dir;
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 1000);
  agent.write_probes(json::array({probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  Cli cli({"export", "--listen", "127.0.0.1:0", "--runtime-dir", dir.path()});
  const std::string serving = cli.ReadLine("clrprobe export: serving http://127.0.0.1:", 20s);
  ASSERT_FALSE(serving.empty()) << cli.err();
  const std::string prefix = "clrprobe export: serving http://127.0.0.1:";
  const int port = std::stoi(serving.substr(prefix.size()));
  ASSERT_GT(port, 0);

  httplib::Client client("127.0.0.1", port);
  auto before = client.Get("/metrics");
  ASSERT_TRUE(before);
  EXPECT_NE(before->body.find("method=\"Ns.T::A()\"} 1\n"), std::string::npos) << before->body;
  agent.record(a, 1000);  // figures are read afresh on every scrape
  auto after = client.Get("/metrics");
  ASSERT_TRUE(after);
  EXPECT_NE(after->body.find("method=\"Ns.T::A()\"} 2\n"), std::string::npos) << after->body;

  cli.Signal(SIGTERM);
  EXPECT_EQ(cli.Wait(10s), 0) << cli.err();
  EXPECT_NE(cli.err().find("clrprobe export: exporting pid"), std::string::npos) << cli.err();
}

}  // namespace
}  // namespace clrprobe::exporter
