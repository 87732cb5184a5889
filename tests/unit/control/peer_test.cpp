#include "control/peer.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control/unique_fd.h"

namespace clrprobe::control {
namespace {

TEST(Peer, SameUidOrRootAllowed) {
  EXPECT_TRUE(peer_allowed(1000, 1000));
  EXPECT_TRUE(peer_allowed(0, 1000));
  EXPECT_TRUE(peer_allowed(0, 0));
  EXPECT_FALSE(peer_allowed(1001, 1000));
  EXPECT_FALSE(peer_allowed(65534, 0));
  EXPECT_FALSE(peer_allowed(1000, 0));
}

TEST(Peer, ReadsOwnUidFromSocketPair) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  auto uid = peer_uid(a.get());
  ASSERT_TRUE(uid.ok()) << uid.error().describe();
  EXPECT_EQ(*uid, ::geteuid());
}

TEST(Peer, FailsOnNonSocket) {
  EXPECT_FALSE(peer_uid(-1).ok());
}

}  // namespace
}  // namespace clrprobe::control
