// The directory that holds the control socket is its first line of defence:
// it must be a real directory (not a symlink), owned by us, and closed to
// group and others. We create it if missing, but never "fix" one that exists
// with the wrong owner or mode: in /tmp that is someone else's directory, or
// an attack.
#pragma once

#include "common/result.h"

#include <string>

namespace clrprobe::control {

// Creates `dir` (the last component only) with mode 0700 if it is missing,
// then checks owner == geteuid() and mode & 077 == 0.
Status ensure_private_dir(const std::string& dir);

// "/a/b/c.sock" → "/a/b"; "/c.sock" → "/"; "c.sock" → ".".
std::string parent_dir(const std::string& path);

}  // namespace clrprobe::control
