#include "control/private_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "control/unique_fd.h"

namespace clrprobe::control {
namespace {

std::string errno_text(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status ensure_private_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) {
    // mkdir applies the host's umask, which may have removed our own bits
    // (umask 0777 leaves 0000). Set the mode explicitly rather than touch
    // the process-wide umask. O_NOFOLLOW: act on what we just created.
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid() || ::fchmod(fd.get(), 0700) != 0) {
      return make_error(Reason::Io, errno_text("cannot set mode 0700 on", dir));
    }
  } else if (errno != EEXIST) {
    return make_error(Reason::Io, errno_text("cannot create directory", dir));
  }

  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return make_error(Reason::Io, errno_text("cannot stat", dir));
  if (!S_ISDIR(st.st_mode)) {
    return make_error(Reason::Io, dir + " exists but is not a directory (a symlink or file): refusing to use it");
  }
  const uid_t self = ::geteuid();
  if (st.st_uid != self) {
    return make_error(Reason::Io, dir + " is owned by uid " + std::to_string(st.st_uid) + ", not by uid " +
                                      std::to_string(self) + ": refusing to put the control socket there");
  }
  if ((st.st_mode & 077) != 0) {
    return make_error(Reason::Io, dir + " has mode " + octal(st.st_mode) +
                                      ": it must not be accessible to group or others (chmod 0700 it)");
  }
  return {};
}

}  // namespace clrprobe::control
