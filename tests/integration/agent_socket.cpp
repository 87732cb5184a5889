#include "agent_socket.h"

#include <linux/magic.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace clrprobe::itest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kHeaderSize = 12;

void PutLe(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t GetLe(const std::string& in, size_t offset, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= uint64_t{static_cast<unsigned char>(in[offset + i])} << (8 * i);
  return value;
}

}  // namespace

std::string AgentRuntimeDir() {
  if (const char* dir = std::getenv("CLRPROBE_RUNTIME_DIR"); dir != nullptr && *dir != '\0') return dir;
  return DefaultRuntimeBase() + "/clrprobe-" + std::to_string(::geteuid());
}

std::string DefaultRuntimeBase(const std::string& root) {
  struct statfs fs {};
  if (::statfs((root + "/dev/shm").c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC) return "/dev/shm";
  return "/tmp";
}

std::string AgentSocketPath(pid_t pid, const std::string& runtime_dir) {
  return runtime_dir + "/" + std::to_string(pid) + ".sock";
}

std::string Frame(const std::string& payload, uint16_t version, uint16_t flags, std::optional<uint32_t> length) {
  std::string out = "CLPB";
  PutLe(out, version, 2);
  PutLe(out, flags, 2);
  PutLe(out, length.value_or(static_cast<uint32_t>(payload.size())), 4);
  return out + payload;
}

std::optional<nlohmann::json> ParseFrame(const std::string& bytes, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<nlohmann::json> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  if (bytes.size() < kHeaderSize) return fail("short frame (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.compare(0, 4, "CLPB") != 0) return fail("bad magic");
  if (GetLe(bytes, 4, 2) != 1) return fail("version " + std::to_string(GetLe(bytes, 4, 2)));
  if (GetLe(bytes, 6, 2) != 0) return fail("flags " + std::to_string(GetLe(bytes, 6, 2)));
  uint64_t length = GetLe(bytes, 8, 4);
  if (bytes.size() != kHeaderSize + length) {
    return fail("length field " + std::to_string(length) + ", payload " + std::to_string(bytes.size() - kHeaderSize));
  }
  try {
    return nlohmann::json::parse(bytes.substr(kHeaderSize));
  } catch (const std::exception& e) {
    return fail(std::string("payload is not JSON: ") + e.what());
  }
}

RawConnection::RawConnection(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    connect_errno_ = ENAMETOOLONG;
    return;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    connect_errno_ = errno;
    return;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    connect_errno_ = errno;
    ::close(fd);
    return;
  }
  fd_ = fd;
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t done = 0;
  while (fd_ >= 0 && done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

void RawConnection::ShutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

RawConnection::Reply RawConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  Reply reply;
  if (fd_ < 0) {
    reply.closed = true;
    return reply;
  }
  const auto deadline = Clock::now() + timeout;
  char buffer[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      reply.timed_out = true;
      return reply;
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends the loop
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      reply.bytes.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    reply.closed = true;  // EOF, or ECONNRESET after the server dropped us
    return reply;
  }
}

}  // namespace clrprobe::itest
