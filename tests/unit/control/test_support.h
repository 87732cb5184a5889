// Helpers shared by the control tests: a private temp dir, a test handler,
// and raw socket access for clients that misbehave on purpose.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/frame.h"
#include "control/messages.h"
#include "control/socket_io.h"
#include "control/unique_fd.h"
#include "support/temp_dir.h"

namespace clrprobe::control::test {

using nlohmann::json;

// Under /tmp: the directory holds sockets, whose paths must stay short.
class TempDir : public clrprobe::test_support::TempDir {
 public:
  TempDir() : clrprobe::test_support::TempDir("clrprobe-ctl", Base::Short) {}
};

inline mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

inline bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

inline sockaddr_un address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), std::min(path.size(), sizeof addr.sun_path - 1));
  return addr;
}

// A blocking connection, for tests that write raw bytes.
inline UniqueFd raw_connect(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_un addr = address_of(path);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) fd.reset();
  return fd;
}

inline bool send_raw(int fd, std::string_view bytes) {
  return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

inline bool send_raw(int fd, const std::vector<uint8_t>& bytes) {
  return send_raw(fd, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// Reads one response frame, waiting at most `timeout`.
inline std::optional<json> read_reply(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);  // so read_frame's poll bounds the wait
  std::vector<uint8_t> payload;
  if (!read_frame(fd, kMaxResponsePayload, Clock::now() + timeout, payload).ok()) return std::nullopt;
  auto parsed = parse_response_payload(payload);
  if (!parsed) return std::nullopt;
  return *parsed;
}

inline std::string reply_reason(const std::optional<json>& reply) {
  if (!reply || !reply->contains("error")) return "";
  return (*reply)["error"].value("reason", "");
}

inline std::string reply_message(const std::optional<json>& reply) {
  if (!reply || !reply->contains("error")) return "";
  return (*reply)["error"].value("message", "");
}

// 12 header bytes with the given fields.
inline std::vector<uint8_t> header_bytes(uint16_t version, uint16_t flags, uint32_t length) {
  std::vector<uint8_t> h = {'C', 'L', 'P', 'B'};
  h.push_back(static_cast<uint8_t>(version));
  h.push_back(static_cast<uint8_t>(version >> 8));
  h.push_back(static_cast<uint8_t>(flags));
  h.push_back(static_cast<uint8_t>(flags >> 8));
  for (int s = 0; s < 32; s += 8) h.push_back(static_cast<uint8_t>(length >> s));
  return h;
}

inline std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Answers like a minimal agent.
inline json test_handler(const Request& request) {
  if (std::holds_alternative<PingRequest>(request)) {
    return ok_response({{"pid", ::getpid()}, {"agent_version", "test"}, {"protocol", kProtocolVersion}});
  }
  if (const auto* add = std::get_if<AddRequest>(&request)) {
    return ok_response({{"probe", {{"id", add->dry_run ? 0 : 1}, {"selector", add->selector}}}});
  }
  if (const auto* remove = std::get_if<RemoveRequest>(&request)) {
    if (!remove->all && remove->id != 1) return error_response(wire_reason::kNotFound, "no probe " + std::to_string(remove->id));
    return ok_response({{"removed", json::array({1})}});
  }
  return ok_response({{"pid", ::getpid()}, {"probes", json::array()}});
}

}  // namespace clrprobe::control::test
