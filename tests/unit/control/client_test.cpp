// The client's error reporting, against real and fake servers.
#include "control/client.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <cstdlib>
#include <thread>

#include "common/runtime_paths.h"
#include "control/listener.h"
#include "control/server.h"
#include "test_support.h"

namespace clrprobe::control {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::TempDir;

// Points runtime_dir_for_uid() at a test directory for the test's duration.
class ScopedRuntimeDir {
 public:
  explicit ScopedRuntimeDir(const std::string& dir) { ::setenv("CLRPROBE_RUNTIME_DIR", dir.c_str(), 1); }
  ~ScopedRuntimeDir() { ::unsetenv("CLRPROBE_RUNTIME_DIR"); }
};

// Accepts one connection, reads the request, and sends `reply` verbatim.
class FakeAgent {
 public:
  FakeAgent(const std::string& path, std::string reply) {
    auto listener = open_listener(path);
    EXPECT_TRUE(listener.ok());
    if (!listener.ok()) return;
    listener_ = std::move(listener->fd);
    thread_ = std::thread([this, reply = std::move(reply)] {
      pollfd p{listener_.get(), POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return;
      UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
      std::vector<uint8_t> request;
      (void)read_frame(conn.get(), kMaxRequestPayload, Clock::now() + 5s, request);
      (void)write_all(conn.get(), test::bytes_of(reply), Clock::now() + 5s);
    });
  }
  ~FakeAgent() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  UniqueFd listener_;
  std::thread thread_;
};

std::string framed(std::string_view payload) {
  auto frame = encode_frame(payload);
  return std::string(frame.begin(), frame.end());
}

class ClientTest : public ::testing::Test {
 protected:
  std::string path() const { return tmp_.path() + "/9.sock"; }
  TempDir tmp_;
};

TEST_F(ClientTest, MissingSocketIsNotFound) {
  auto client = ControlClient::connect(path());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().reason, Reason::NotFound);
  EXPECT_EQ(client.error().message, "no socket at " + path());
}

TEST_F(ClientTest, StaleSocketIsConnectionRefused) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  const sockaddr_un addr = test::address_of(path());
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  fd.reset();
  auto client = ControlClient::connect(path());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().reason, Reason::Io);
  EXPECT_NE(client.error().message.find("stale socket"), std::string::npos) << client.error().message;
}

TEST_F(ClientTest, AgentErrorBecomesErrorWithAgentsMessage) {
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_TRUE(server.ok());
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  auto reply = client->request({{"op", "remove"}, {"id", 7}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().reason, Reason::NotFound);
  EXPECT_EQ(reply.error().message, "no probe 7");
}

TEST_F(ClientTest, ExchangeReturnsRawErrorResponse) {
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_TRUE(server.ok());
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  auto reply = client->exchange({{"op", "add"}});
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ((*reply)["ok"], false);
  EXPECT_EQ((*reply)["error"]["reason"], "invalid_input");
}

TEST_F(ClientTest, OneRequestPerConnection) {
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_TRUE(server.ok());
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->request({{"op", "ping"}}).ok());
  auto again = client->request({{"op", "ping"}});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("one request per connection"), std::string::npos);
}

TEST_F(ClientTest, OversizedRequestRefusedLocally) {
  auto server = ControlServer::start(path(), test::test_handler);
  ASSERT_TRUE(server.ok());
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  auto reply = client->request({{"op", "add"}, {"selector", std::string(kMaxRequestPayload, 'x')}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().reason, Reason::InvalidInput);
  EXPECT_NE(reply.error().message.find("request too large"), std::string::npos);
}

TEST_F(ClientTest, TimeoutWaitingForResponse) {
  auto server = ControlServer::start(path(), [](const Request& r) {
    std::this_thread::sleep_for(1s);
    return test::test_handler(r);
  });
  ASSERT_TRUE(server.ok());
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  const auto start = Clock::now();
  auto reply = client->request({{"op", "ping"}}, 100ms);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().reason, Reason::Io);
  EXPECT_NE(reply.error().message.find("timed out after 100 ms"), std::string::npos) << reply.error().message;
  EXPECT_LT(Clock::now() - start, 800ms);  // did not wait for the reply
}

TEST_F(ClientTest, MalformedResponses) {
  const std::pair<std::string, std::string> cases[] = {
      {"garbage bytes here", "magic"},
      {framed("[1,2]"), "JSON object"},
      {framed("{\"ok\":"), "not valid"},
      {framed("{\"pid\":1}"), "boolean \"ok\""},
      {framed("{\"ok\":false,\"error\":{}}"), "reason"},
  };
  for (const auto& [reply, needle] : cases) {
    FakeAgent agent(path(), reply);
    auto client = ControlClient::connect(path());
    ASSERT_TRUE(client.ok());
    auto result = client->request({{"op", "ping"}}, 5s);
    ASSERT_FALSE(result.ok()) << reply;
    EXPECT_EQ(result.error().reason, Reason::InvalidInput) << result.error().message;
    EXPECT_NE(result.error().message.find("malformed response"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find(needle), std::string::npos) << result.error().message;
  }
}

TEST_F(ClientTest, ConnectionClosedWithoutResponse) {
  FakeAgent agent(path(), "");
  auto client = ControlClient::connect(path());
  ASSERT_TRUE(client.ok());
  auto result = client->request({{"op", "ping"}}, 5s);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("closed the connection without a response"), std::string::npos)
      << result.error().message;
}

TEST_F(ClientTest, SendRequestNoSuchProcess) {
  auto reply = send_request(0x7FFFFFF0, {{"op", "ping"}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().reason, Reason::NotFound);
  EXPECT_EQ(reply.error().message, "no process with pid " + std::to_string(0x7FFFFFF0));
  EXPECT_EQ(send_request(0, {{"op", "ping"}}).error().reason, Reason::InvalidInput);
}

TEST_F(ClientTest, SendRequestProcessWithoutAgent) {
  ScopedRuntimeDir env(tmp_.path());
  auto reply = send_request(::getpid(), {{"op", "ping"}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().reason, Reason::NotFound);
  const std::string socket = tmp_.path() + "/" + socket_file_name(::getpid());
  EXPECT_EQ(reply.error().message, "process " + std::to_string(::getpid()) +
                                       " has no clrprobe agent loaded (no socket at " + socket + ")");
}

TEST_F(ClientTest, SendRequestFindsAgentByPid) {
  ScopedRuntimeDir env(tmp_.path() + "/rt");
  auto expected = agent_socket_path(::getpid());
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(*expected, tmp_.path() + "/rt/" + socket_file_name(::getpid()));
  auto server = ControlServer::start(*expected, test::test_handler);
  ASSERT_TRUE(server.ok()) << server.error().describe();
  auto reply = send_request(::getpid(), {{"op", "ping"}});
  ASSERT_TRUE(reply.ok()) << reply.error().describe();
  EXPECT_EQ((*reply)["pid"], ::getpid());
}

TEST_F(ClientTest, SendRequestStaleSocketNamesTheProcess) {
  ScopedRuntimeDir env(tmp_.path());
  const std::string socket = tmp_.path() + "/" + socket_file_name(::getpid());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  const sockaddr_un addr = test::address_of(socket);
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  fd.reset();
  auto reply = send_request(::getpid(), {{"op", "ping"}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().message.rfind("process " + std::to_string(::getpid()) + ": connection refused", 0), 0u)
      << reply.error().message;
}

}  // namespace
}  // namespace clrprobe::control
