// The diagnostics client against a fake diagnostics server (a listening Unix
// socket served by a thread): OK and error replies, malformed and truncated
// replies, silence (bounded timeout), stale and missing sockets.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "common/agent_clsid.h"
#include "diagnostics/hresult.h"
#include "diagnostics/ipc_client.h"

namespace clrprobe::diagnostics {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<uint8_t> reply_frame(uint8_t set, uint8_t id, std::vector<uint8_t> payload) {
  auto h = encode_header({static_cast<uint16_t>(kHeaderSize + payload.size()), set, id, 0});
  std::vector<uint8_t> out(h.begin(), h.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<uint8_t> hresult_payload(uint32_t hr) {
  return {static_cast<uint8_t>(hr), static_cast<uint8_t>(hr >> 8), static_cast<uint8_t>(hr >> 16),
          static_cast<uint8_t>(hr >> 24)};
}

// Reads with poll so a misbehaving client cannot wedge the server thread.
bool read_exact(int fd, uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

// Serves one connection: reads one whole request, then runs `respond`.
class FakeServer {
 public:
  using Respond = std::function<void(int fd, const std::atomic<bool>& stopping)>;

  explicit FakeServer(Respond respond) : respond_(std::move(respond)) {
    std::string tmpl = (fs::temp_directory_path() / "clrprobe-diag-srv-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    path_ = dir_ + "/dotnet-diagnostic-1-1-socket";
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4) != 0) {
      ADD_FAILURE() << "bind/listen: " << std::strerror(errno);
    }
    thread_ = std::thread([this] { serve(); });
  }

  ~FakeServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  const std::string& path() const { return path_; }
  // The request as received (set before the server answers, so a client
  // that got an answer can read it without waiting).
  std::vector<uint8_t> request() const {
    for (int i = 0; i < 5000 && !have_request_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return have_request_ ? request_ : std::vector<uint8_t>{};
  }

 private:
  void serve() {
    pollfd p{listen_fd_, POLLIN, 0};
    while (!stop_) {
      if (::poll(&p, 1, 50) > 0) break;
    }
    if (stop_) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::vector<uint8_t> header(kHeaderSize);
    if (read_exact(fd, header.data(), header.size())) {
      auto decoded = decode_header(header);
      request_ = header;
      if (decoded && decoded->size > kHeaderSize) {
        std::vector<uint8_t> rest(decoded->size - kHeaderSize);
        if (read_exact(fd, rest.data(), rest.size())) request_.insert(request_.end(), rest.begin(), rest.end());
      }
      have_request_ = true;
      respond_(fd, stop_);
    }
    ::close(fd);
  }

  Respond respond_;
  std::string dir_;
  std::string path_;
  int listen_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::vector<uint8_t> request_;
  std::atomic<bool> have_request_{false};
};

void send_bytes(int fd, const std::vector<uint8_t>& bytes) {
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

AttachProfilerRequest sample_request() {
  AttachProfilerRequest req;
  req.attach_timeout_ms = 5000;
  req.profiler_clsid = *parse_clsid(kAgentClsid);
  req.profiler_path = "/opt/clrprobe/lib/libclrprobe.so";
  req.client_data = {'l', 'o', 'g', '=', '/', 'x', '\n'};
  return req;
}

TEST(FakeServerClient, AttachOk) {
  FakeServer server(
      [](int fd, const std::atomic<bool>&) { send_bytes(fd, reply_frame(0xFF, 0x00, hresult_payload(0))); });
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_TRUE(hr.ok()) << hr.error().message;
  EXPECT_EQ(*hr, 0u);
  // The server got exactly the encoded request.
  EXPECT_EQ(server.request(), *encode_attach_profiler(sample_request()));
}

TEST(FakeServerClient, AttachErrorReplyCarriesHresult) {
  FakeServer server([](int fd, const std::atomic<bool>&) {
    send_bytes(fd, reply_frame(0xFF, 0xFF, hresult_payload(hresult::kProfilerAlreadyActive)));
  });
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_TRUE(hr.ok()) << hr.error().message;
  EXPECT_EQ(*hr, hresult::kProfilerAlreadyActive);
  Error e = describe_attach_failure(*hr, 77, "/x/libclrprobe.so");
  EXPECT_EQ(e.message,
            "a profiler is already loaded in process 77 (clrprobe or another one); only one profiler per process "
            "[0x8013136A (CORPROF_E_PROFILER_ALREADY_ACTIVE)]");
}

TEST(FakeServerClient, ResponseInTwoPieces) {
  FakeServer server([](int fd, const std::atomic<bool>&) {
    auto whole = reply_frame(0xFF, 0x00, hresult_payload(0));
    send_bytes(fd, std::vector<uint8_t>(whole.begin(), whole.begin() + 7));
    std::this_thread::sleep_for(30ms);
    send_bytes(fd, std::vector<uint8_t>(whole.begin() + 7, whole.end()));
  });
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_TRUE(hr.ok()) << hr.error().message;
  EXPECT_EQ(*hr, 0u);
}

TEST(FakeServerClient, TruncatedReplyIsAnError) {
  FakeServer server([](int fd, const std::atomic<bool>&) {
    auto whole = reply_frame(0xFF, 0x00, hresult_payload(0));
    send_bytes(fd, std::vector<uint8_t>(whole.begin(), whole.end() - 2));  // then close
  });
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::Truncated);
  EXPECT_NE(hr.error().message.find("malformed response"), std::string::npos);
}

TEST(FakeServerClient, GarbageReplyIsAnError) {
  FakeServer server([](int fd, const std::atomic<bool>&) { send_bytes(fd, std::vector<uint8_t>(20, 'Z')); });
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::InvalidInput);
}

TEST(FakeServerClient, OkWithoutHresultIsAnError) {
  FakeServer server([](int fd, const std::atomic<bool>&) { send_bytes(fd, reply_frame(0xFF, 0x00, {})); });
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_FALSE(hr.ok());
  EXPECT_NE(hr.error().message.find("malformed response"), std::string::npos);
}

TEST(FakeServerClient, CloseWithoutAnswer) {
  FakeServer server([](int, const std::atomic<bool>&) {});
  auto hr = attach_profiler(server.path(), sample_request(), 5s);
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::Io);
  EXPECT_NE(hr.error().message.find("without answering"), std::string::npos);
}

TEST(FakeServerClient, SilentServerTimesOutOnTime) {
  FakeServer server([](int, const std::atomic<bool>& stopping) {
    while (!stopping) std::this_thread::sleep_for(5ms);
  });
  const auto start = std::chrono::steady_clock::now();
  auto hr = attach_profiler(server.path(), sample_request(), 300ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::Io);
  EXPECT_NE(hr.error().message.find("no answer"), std::string::npos) << hr.error().message;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(FakeServerClient, ProcessInfo) {
  FakeServer server([](int fd, const std::atomic<bool>&) {
    std::vector<uint8_t> payload = {0x2A, 0, 0, 0, 0, 0, 0, 0};
    payload.resize(24, 7);  // cookie
    for (const char* s : {"dotnet app.dll", "Linux", "x64"}) {
      auto u16 = *utf8_to_utf16le(s);
      uint32_t units = static_cast<uint32_t>(u16.size() / 2 + 1);
      auto len = hresult_payload(units);
      payload.insert(payload.end(), len.begin(), len.end());
      payload.insert(payload.end(), u16.begin(), u16.end());
      payload.push_back(0);
      payload.push_back(0);
    }
    send_bytes(fd, reply_frame(0xFF, 0x00, payload));
  });
  auto info = query_process_info(server.path(), 5s);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->process_id, 42u);
  EXPECT_EQ(info->command_line, "dotnet app.dll");
  EXPECT_EQ(info->arch, "x64");
  EXPECT_EQ(server.request(), encode_process_info());
}

TEST(FakeServerClient, ProcessInfoErrorReply) {
  FakeServer server([](int fd, const std::atomic<bool>&) {
    send_bytes(fd, reply_frame(0xFF, 0xFF, hresult_payload(hresult::kDiagUnknownCommand)));
  });
  auto info = query_process_info(server.path(), 5s);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("CORDIAGIPC_E_UNKNOWN_COMMAND"), std::string::npos);
}

TEST(Client, MissingSocketIsNotFound) {
  auto hr = attach_profiler("/nonexistent-clrprobe/dotnet-diagnostic-1-1-socket", sample_request(), 1s);
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::NotFound);
}

TEST(Client, StaleSocketIsRefused) {
  std::string tmpl = (fs::temp_directory_path() / "clrprobe-diag-stale-XXXXXX").string();
  std::string dir = ::mkdtemp(tmpl.data());
  std::string path = dir + "/dotnet-diagnostic-1-1-socket";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);  // bound, never listened: connect is refused
  auto hr = attach_profiler(path, sample_request(), 1s);
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::Io);
  EXPECT_NE(hr.error().message.find("refuses connections"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Client, OverlongPathIsRejected) {
  auto hr = attach_profiler("/" + std::string(200, 'x'), sample_request(), 1s);
  ASSERT_FALSE(hr.ok());
  EXPECT_EQ(hr.error().reason, Reason::InvalidInput);
}

}  // namespace
}  // namespace clrprobe::diagnostics
