// --listen HOST:PORT and the loopback rule.
#include "export/listen_address.h"

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

ListenAddress parsed(const std::string& text) {
  auto a = parse_listen_address(text);
  EXPECT_TRUE(a.ok()) << text << ": " << (a.ok() ? "" : a.error().message);
  return a.ok() ? *a : ListenAddress{};
}

TEST(ListenAddress, ParsesHostAndPort) {
  EXPECT_EQ(parsed("127.0.0.1:9464").host, "127.0.0.1");
  EXPECT_EQ(parsed("127.0.0.1:9464").port, 9464);
  EXPECT_EQ(parsed("localhost:0").host, "localhost");
  EXPECT_EQ(parsed("localhost:0").port, 0);
  EXPECT_EQ(parsed("[::1]:9464").host, "::1");
  EXPECT_EQ(parsed("[::1]:9464").port, 9464);
  EXPECT_EQ(parsed(":9464").host, "0.0.0.0");
  EXPECT_EQ(parsed("0.0.0.0:65535").port, 65535);
  EXPECT_EQ(parsed(kDefaultListen).port, 9464);
}

TEST(ListenAddress, RefusesMalformedAddressesWithAnExample) {
  for (const char* bad : {"", "9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:65536", "127.0.0.1:-1",
                          "::1:9464", "[::1]9464", "[::1:9464", "[]:9464", "127.0.0.1:94 64"}) {
    auto a = parse_listen_address(bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error().reason, Reason::InvalidInput);
    EXPECT_NE(a.error().message.find("127.0.0.1:9464"), std::string::npos) << a.error().message;
  }
}

TEST(ListenAddress, LoopbackHosts) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"}) {
    auto loopback = is_loopback_host(host);
    ASSERT_TRUE(loopback.ok()) << host;
    EXPECT_TRUE(*loopback) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.1.2.3", "192.168.0.1", "::ffff:10.0.0.1"}) {
    auto loopback = is_loopback_host(host);
    ASSERT_TRUE(loopback.ok()) << host;
    EXPECT_FALSE(*loopback) << host;
  }
}

TEST(ListenAddress, FormatsHostAndPort) {
  EXPECT_EQ(format_host_port("127.0.0.1", 9464), "127.0.0.1:9464");
  EXPECT_EQ(format_host_port("::1", 9464), "[::1]:9464");
}

}  // namespace
}  // namespace clrprobe::exporter
