// --listen HOST:PORT for `clrprobe export`: "127.0.0.1:9464", "localhost:9464",
// "[::1]:9464", "0.0.0.0:9464", ":9464" (every interface). /metrics has no
// authentication, so the exporter listens on loopback unless told otherwise.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace clrprobe::exporter {

inline constexpr char kDefaultListen[] = "127.0.0.1:9464";

struct ListenAddress {
  std::string host;  // without brackets; "0.0.0.0" for ":PORT"
  int port = 0;      // 0..65535 (0: any free port)
};

// InvalidInput with a message when malformed.
Result<ListenAddress> parse_listen_address(std::string_view text);

// True when every address `host` resolves to is a loopback address
// (127.0.0.0/8, ::1, ::ffff:127.x.y.z); NotFound when it resolves to nothing.
Result<bool> is_loopback_host(const std::string& host);

// "host:port", bracketed for IPv6 ("[::1]:9464").
std::string format_host_port(const std::string& host, int port);

}  // namespace clrprobe::exporter
