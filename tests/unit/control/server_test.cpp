// The server against real sockets: setup checks, misbehaving clients, stop.
#include "control/server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "control/client.h"
#include "test_support.h"

namespace clrprobe::control {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::TempDir;

class ServerTest : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_.path() + "/run"; }
  std::string path() const { return dir() + "/123.sock"; }

  std::unique_ptr<ControlServer> start(ServerOptions options = {}, ControlServer::Handler handler = test::test_handler) {
    auto server = ControlServer::start(path(), std::move(handler), std::move(options));
    EXPECT_TRUE(server.ok()) << (server.ok() ? "" : server.error().describe());
    return server.ok() ? std::move(server).value() : nullptr;
  }

  Result<json> ping() {
    auto client = ControlClient::connect(path());
    if (!client) return client.error();
    return client->request({{"op", "ping"}});
  }

  void expect_ping_works() {
    auto reply = ping();
    ASSERT_TRUE(reply.ok()) << reply.error().describe();
    EXPECT_EQ((*reply)["pid"], ::getpid());
  }

  TempDir tmp_;
};

TEST_F(ServerTest, PingRoundTrip) {
  auto server = start();
  ASSERT_TRUE(server);
  EXPECT_EQ(server->socket_path(), path());
  auto reply = ping();
  ASSERT_TRUE(reply.ok()) << reply.error().describe();
  EXPECT_EQ((*reply)["ok"], true);
  EXPECT_EQ((*reply)["agent_version"], "test");
  EXPECT_EQ((*reply)["protocol"], 1);
  EXPECT_EQ(server->requests_handled(), 1u);
}

// The server thread is findable by name and leaves process-directed
// signals to the host's threads, but not fault signals.
TEST_F(ServerTest, ThreadIsNamedAndBlocksAsyncSignalsOnly) {
  auto server = start();
  ASSERT_TRUE(server);
  // glibc creates threads with everything blocked and applies the real mask
  // as the thread starts: look only once it has served a request.
  expect_ping_works();
  std::optional<unsigned long long> blocked;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name != "clrprobe-ctl") continue;
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("SigBlk:", 0) == 0) blocked = std::stoull(line.substr(7), nullptr, 16);
    }
  }
  ASSERT_TRUE(blocked.has_value()) << "no thread named clrprobe-ctl";
  auto is_blocked = [&](int sig) { return ((*blocked >> (sig - 1)) & 1) != 0; };
  EXPECT_TRUE(is_blocked(SIGTERM));
  EXPECT_TRUE(is_blocked(SIGINT));
  EXPECT_TRUE(is_blocked(SIGCHLD));
  EXPECT_FALSE(is_blocked(SIGSEGV));
  EXPECT_FALSE(is_blocked(SIGBUS));
}

TEST_F(ServerTest, CreatesPrivateDirectoryAndSocket) {
  auto server = start();
  ASSERT_TRUE(server);
  struct stat st {};
  ASSERT_EQ(::lstat(dir().c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  ASSERT_EQ(::lstat(path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(ServerTest, AcceptsExistingPrivateDirectory) {
  ASSERT_EQ(::mkdir(dir().c_str(), 0700), 0);
  EXPECT_TRUE(start());
}

TEST_F(ServerTest, RefusesGroupOrWorldAccessibleDirectory) {
  ASSERT_EQ(::mkdir(dir().c_str(), 0700), 0);
  for (mode_t mode : {0755, 0710, 0701, 0770, 0777}) {
    ASSERT_EQ(::chmod(dir().c_str(), mode), 0);
    auto server = ControlServer::start(path(), test::test_handler);
    ASSERT_FALSE(server.ok()) << std::oct << mode;
    EXPECT_NE(server.error().message.find("must not be accessible to group or others"), std::string::npos)
        << server.error().message;
    EXPECT_FALSE(test::exists(path()));
  }
}

TEST_F(ServerTest, RefusesDirectoryOwnedByAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  ASSERT_EQ(::mkdir(dir().c_str(), 0700), 0);
  ASSERT_EQ(::chown(dir().c_str(), 65534, 65534), 0);
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message.find("owned by uid 65534"), std::string::npos) << server.error().message;
}

TEST_F(ServerTest, RefusesSymlinkedDirectory) {
  const std::string real = tmp_.path() + "/real";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), dir().c_str()), 0);
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message.find("not a directory"), std::string::npos) << server.error().message;
}

TEST_F(ServerTest, RefusesMissingParentOfDirectory) {
  auto server = ControlServer::start(tmp_.path() + "/a/b/1.sock", test::test_handler);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.error().reason, Reason::Io);
}

TEST_F(ServerTest, RefusesTooLongPath) {
  auto server = ControlServer::start(tmp_.path() + "/" + std::string(120, 'x') + ".sock", test::test_handler);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.error().reason, Reason::InvalidInput);
}

TEST_F(ServerTest, ReplacesStaleSocket) {
  ASSERT_EQ(::mkdir(dir().c_str(), 0700), 0);
  {
    // A socket file whose owner is gone: bound, never listening, closed.
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    const sockaddr_un addr = test::address_of(path());
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  }
  ASSERT_TRUE(test::exists(path()));
  auto server = start();
  ASSERT_TRUE(server);
  expect_ping_works();
}

TEST_F(ServerTest, RefusesToReplaceNonSocket) {
  ASSERT_EQ(::mkdir(dir().c_str(), 0700), 0);
  UniqueFd file(::open(path().c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  ASSERT_TRUE(file.valid());
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message.find("not a socket"), std::string::npos);
  EXPECT_TRUE(test::exists(path()));
}

TEST_F(ServerTest, GarbageGetsProtocolErrorAndServerContinues) {
  auto server = start();
  ASSERT_TRUE(server);
  auto fd = test::raw_connect(path());
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(test::send_raw(fd.get(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto reply = test::read_reply(fd.get());
  ASSERT_TRUE(reply);
  EXPECT_EQ(test::reply_reason(reply), "protocol");
  EXPECT_NE(test::reply_message(reply).find("magic"), std::string::npos);
  expect_ping_works();
}

TEST_F(ServerTest, ShortGarbageIsAnsweredWithoutWaitingForTimeout) {
  auto server = start();  // default 5 s receive timeout
  ASSERT_TRUE(server);
  auto fd = test::raw_connect(path());
  ASSERT_TRUE(test::send_raw(fd.get(), "x"));
  const auto start_time = Clock::now();
  auto reply = test::read_reply(fd.get(), 4s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(test::reply_reason(reply), "protocol");
  EXPECT_LT(Clock::now() - start_time, 2s);
}

TEST_F(ServerTest, OversizedLengthRejectedWithoutBody) {
  auto server = start();
  ASSERT_TRUE(server);
  auto fd = test::raw_connect(path());
  ASSERT_TRUE(test::send_raw(fd.get(), test::header_bytes(1, 0, kMaxRequestPayload + 1)));
  auto reply = test::read_reply(fd.get(), 4s);  // well below the 5 s receive timeout
  ASSERT_TRUE(reply);
  EXPECT_EQ(test::reply_reason(reply), "protocol");
  EXPECT_NE(test::reply_message(reply).find("exceeds"), std::string::npos);
  expect_ping_works();
}

TEST_F(ServerTest, BadVersionAndFlagsRejected) {
  auto server = start();
  ASSERT_TRUE(server);
  for (auto header : {test::header_bytes(2, 0, 2), test::header_bytes(1, 4, 2)}) {
    auto fd = test::raw_connect(path());
    ASSERT_TRUE(test::send_raw(fd.get(), header));
    EXPECT_EQ(test::reply_reason(test::read_reply(fd.get())), "protocol");
  }
  expect_ping_works();
}

TEST_F(ServerTest, InvalidJsonIsProtocolAndInvalidRequestIsInvalidInput) {
  auto server = start();
  ASSERT_TRUE(server);
  auto bad_json = test::raw_connect(path());
  ASSERT_TRUE(test::send_raw(bad_json.get(), encode_frame(std::string_view("{\"op\":"))));
  EXPECT_EQ(test::reply_reason(test::read_reply(bad_json.get())), "protocol");

  auto bad_request = test::raw_connect(path());
  ASSERT_TRUE(test::send_raw(bad_request.get(), encode_frame(std::string_view(R"({"op":"add","max_methods":0})"))));
  EXPECT_EQ(test::reply_reason(test::read_reply(bad_request.get())), "invalid_input");
  EXPECT_EQ(server->requests_handled(), 0u);
}

TEST_F(ServerTest, StalledClientTimesOutAndNextClientIsServed) {
  ServerOptions options;
  options.receive_timeout = 300ms;
  auto server = start(options);
  ASSERT_TRUE(server);
  auto stalled = test::raw_connect(path());
  const auto frame = encode_frame(std::string_view(R"({"op":"ping"})"));
  ASSERT_TRUE(test::send_raw(stalled.get(), std::string_view(reinterpret_cast<const char*>(frame.data()), 6)));
  std::this_thread::sleep_for(20ms);  // let the server pick the stalled one first

  const auto start_time = Clock::now();
  expect_ping_works();
  EXPECT_GE(Clock::now() - start_time, 200ms);  // it waited for the stalled client

  auto reply = test::read_reply(stalled.get(), 2s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(test::reply_reason(reply), "protocol");
  EXPECT_NE(test::reply_message(reply).find("not received within 300 ms"), std::string::npos);
}

TEST_F(ServerTest, ClientThatClosesImmediatelyOrMidFrame) {
  std::mutex mutex;
  std::vector<std::string> logged;
  ServerOptions options;
  options.log = [&](std::string_view line) {
    std::lock_guard lock(mutex);
    logged.emplace_back(line);
  };
  auto server = start(options);
  ASSERT_TRUE(server);
  { auto fd = test::raw_connect(path()); }
  {
    auto fd = test::raw_connect(path());
    ASSERT_TRUE(test::send_raw(fd.get(), test::header_bytes(1, 0, 100)));
    ASSERT_TRUE(test::send_raw(fd.get(), "{\"op\""));
  }
  expect_ping_works();
  expect_ping_works();
  server->stop();
  std::lock_guard lock(mutex);
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_NE(logged[0].find("client dropped"), std::string::npos) << logged[0];
  EXPECT_NE(logged[1].find("mid-frame"), std::string::npos) << logged[1];
}

TEST_F(ServerTest, ClientGoneBeforeReplyDoesNotRaiseSigpipe) {
  auto server = start({}, [](const Request& r) {
    std::this_thread::sleep_for(300ms);
    return test::test_handler(r);
  });
  ASSERT_TRUE(server);
  {
    auto client = ControlClient::connect(path());
    ASSERT_TRUE(client.ok());
    auto reply = client->request({{"op", "ping"}}, 50ms);
    ASSERT_FALSE(reply.ok());
    EXPECT_NE(reply.error().message.find("timed out"), std::string::npos);
  }  // closed while the handler still runs: the reply hits EPIPE
  expect_ping_works();  // and we are still alive (no SIGPIPE)
}

TEST_F(ServerTest, FiftyConcurrentClientsAllAnswered) {
  auto server = start();
  ASSERT_TRUE(server);
  constexpr int kClients = 50;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto client = ControlClient::connect(path());
      if (!client) return;
      auto reply = client->request({{"op", "add"}, {"selector", "N.T::M" + std::to_string(i)}, {"dry_run", true}});
      if (reply && (*reply)["probe"]["selector"] == "N.T::M" + std::to_string(i)) ++answered;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), kClients);
  EXPECT_EQ(server->requests_handled(), static_cast<uint64_t>(kClients));
}

TEST_F(ServerTest, HandlerThrowingGetsRuntimeErrorAndServerContinues) {
  std::atomic<int> calls{0};
  auto server = start({}, [&calls](const Request& r) -> json {
    if (calls++ == 0) throw std::runtime_error("catalog lookup failed");
    return test::test_handler(r);
  });
  ASSERT_TRUE(server);
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  auto raw = client->exchange({{"op", "list"}});
  ASSERT_TRUE(raw.ok()) << raw.error().describe();
  EXPECT_EQ((*raw)["error"]["reason"], "runtime_error");
  EXPECT_NE((*raw)["error"]["message"].get<std::string>().find("catalog lookup failed"), std::string::npos);
  expect_ping_works();
}

TEST_F(ServerTest, LargeResponseIsDeliveredWhole) {
  const std::string blob(4 * 1024 * 1024, 'm');  // far beyond the socket buffer
  auto server = start({}, [&blob](const Request&) { return ok_response({{"blob", blob}}); });
  ASSERT_TRUE(server);
  auto reply = ping();
  ASSERT_TRUE(reply.ok()) << reply.error().describe();
  EXPECT_EQ((*reply)["blob"].get<std::string>().size(), blob.size());
}

TEST_F(ServerTest, ResponseOverCapBecomesRuntimeError) {
  auto server = start({}, [](const Request&) {
    return ok_response({{"blob", std::string(kMaxResponsePayload, 'x')}});
  });
  ASSERT_TRUE(server);
  auto reply = ping();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().reason, Reason::RuntimeError);
  EXPECT_NE(reply.error().message.find("response too large"), std::string::npos);
}

TEST_F(ServerTest, StopUnlinksSocketAndIsIdempotent) {
  auto server = start();
  ASSERT_TRUE(server);
  ASSERT_TRUE(test::exists(path()));
  server->stop();
  EXPECT_FALSE(test::exists(path()));
  server->stop();
  auto after = ControlClient::connect(path());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().reason, Reason::NotFound);
}

TEST_F(ServerTest, DestructorUnlinksSocket) {
  start().reset();
  EXPECT_FALSE(test::exists(path()));
  EXPECT_TRUE(test::exists(dir()));  // the directory is shared with other files
}

TEST_F(ServerTest, StopDoesNotUnlinkASocketItDoesNotOwn) {
  auto first = start();
  ASSERT_TRUE(first);
  auto second = start();  // same path: replaces the first one's socket
  ASSERT_TRUE(second);
  first->stop();
  EXPECT_TRUE(test::exists(path()));
  expect_ping_works();
}

TEST_F(ServerTest, StopFromInsideTheHandlerEndsTheLoop) {
  std::atomic<ControlServer*> self{nullptr};
  auto server = start({}, [&self](const Request& r) {
    self.load()->stop();  // must neither deadlock nor throw
    return test::test_handler(r);
  });
  ASSERT_TRUE(server);
  self = server.get();
  expect_ping_works();  // the request that asked to stop is still answered
  const auto start_time = Clock::now();
  server->stop();
  EXPECT_LT(Clock::now() - start_time, 1s);
  EXPECT_FALSE(test::exists(path()));
}

TEST_F(ServerTest, StopInterruptsAStalledClient) {
  auto server = start();  // 5 s receive timeout
  ASSERT_TRUE(server);
  auto stalled = test::raw_connect(path());
  ASSERT_TRUE(test::send_raw(stalled.get(), "CLPB"));
  std::this_thread::sleep_for(50ms);
  const auto start_time = Clock::now();
  server->stop();
  EXPECT_LT(Clock::now() - start_time, 1s);
}

// End to end: a process running as another uid reaches the socket (we open
// the modes for it) and must still be refused by SO_PEERCRED.
TEST_F(ServerTest, OtherUidGetsPermissionDenied) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to uid 65534";
  auto server = start();
  ASSERT_TRUE(server);
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(path().c_str(), 0666), 0);

  // Everything the child needs is prepared before fork: it only makes
  // system calls (the parent has threads; the child must not allocate).
  const auto frame = encode_frame(std::string_view(R"({"op":"ping"})"));
  const sockaddr_un addr = test::address_of(path());
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0) ::_exit(2);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) ::_exit(3);
    (void)::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);  // may fail: the reply may come first
    static char buffer[4096];
    ssize_t total = 0, n;
    while (total < static_cast<ssize_t>(sizeof buffer) &&
           (n = ::read(fd, buffer + total, sizeof buffer - static_cast<std::size_t>(total))) > 0) {
      total += n;
    }
    if (::write(pipe_fds[1], buffer, static_cast<std::size_t>(total)) != total) ::_exit(4);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::vector<uint8_t> reply_bytes;
  uint8_t chunk[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], chunk, sizeof chunk)) > 0) reply_bytes.insert(reply_bytes.end(), chunk, chunk + n);
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::chmod(tmp_.path().c_str(), 0700);
  ::chmod(dir().c_str(), 0700);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto header = parse_frame_header(reply_bytes, kMaxResponsePayload);
  ASSERT_TRUE(header.ok()) << header.error().describe();
  ASSERT_EQ(reply_bytes.size(), kFrameHeaderSize + header->payload_length);
  auto reply = parse_response_payload(std::span<const uint8_t>(reply_bytes).subspan(kFrameHeaderSize));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ((*reply)["error"]["reason"], "permission_denied");
  EXPECT_NE((*reply)["error"]["message"].get<std::string>().find("uid 65534"), std::string::npos);
  EXPECT_EQ(server->requests_handled(), 0u);
  expect_ping_works();  // root (us) is still served
}

}  // namespace
}  // namespace clrprobe::control
