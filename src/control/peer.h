// Who may talk to the agent: the same effective uid as the process it lives
// in, or root. The 0700 directory already keeps others out; SO_PEERCRED is
// the check that does not depend on file modes being right.
#pragma once

#include "common/result.h"

#include <sys/types.h>

namespace clrprobe::control {

constexpr bool peer_allowed(uid_t peer, uid_t self) { return peer == self || peer == 0; }

// Effective uid of the process at the other end of a connected AF_UNIX
// socket, as recorded when it called connect().
Result<uid_t> peer_uid(int fd);

}  // namespace clrprobe::control
