#include "cli/agent_placement.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "common/fnv1a.h"

namespace clrprobe::cli {
namespace {

std::string errno_text() { return std::strerror(errno); }

// The whole file, or nullopt.
std::optional<std::string> read_all(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// Names a build's copy, not a security check (the directory's owner and
// mode are checked separately).
std::string content_hash(const std::string& bytes) {
  Fnv1a hash;
  hash.add_all(bytes);
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, hash.value());
  return text;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The directory exists, is a real directory, and only its owner (the
// process's user or root) may write into it.
Status check_copy_dir(const std::string& dir, const ProcessView& view) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return make_error(Reason::Io, "cannot stat " + dir + ": " + errno_text());
  if (!S_ISDIR(st.st_mode)) return make_error(Reason::Io, dir + " exists and is not a directory");
  if (st.st_uid != view.euid && st.st_uid != 0) {
    return make_error(Reason::Io, dir + " belongs to uid " + std::to_string(st.st_uid) + ", not to the process's uid " +
                                      std::to_string(view.euid) + "; remove it");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return make_error(Reason::Io, dir + " is writable by others; remove it");
  }
  return {};
}

Status write_copy(const std::string& final_path, const std::string& bytes, const ProcessView& view) {
  const std::string temp = final_path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return make_error(Reason::Io, "cannot create " + temp + ": " + errno_text());
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = errno_text();
      ::close(fd);
      ::unlink(temp.c_str());
      return make_error(Reason::Io, "cannot write " + temp + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  // Owned by the process's user, readable by everyone (0644 survives a umask).
  if ((::geteuid() == 0 && ::fchown(fd, view.euid, view.egid) != 0) || ::fchmod(fd, 0644) != 0) {
    std::string why = errno_text();
    ::close(fd);
    ::unlink(temp.c_str());
    return make_error(Reason::Io, "cannot give " + temp + " to uid " + std::to_string(view.euid) + ": " + why);
  }
  ::close(fd);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    std::string why = errno_text();
    ::unlink(temp.c_str());
    return make_error(Reason::Io, "cannot rename " + temp + " to " + final_path + ": " + why);
  }
  return {};
}

}  // namespace

Result<AgentPlacement> place_agent(const ProcessView& view, const std::string& agent_here) {
  AgentPlacement placement;
  placement.path_inside = agent_here;
  if (!view.other_mount_namespace || same_file(agent_here, view.outside(agent_here))) return placement;

  auto bytes = read_all(agent_here);
  if (!bytes) return make_error(Reason::NotFound, "cannot read the agent " + agent_here + ": " + errno_text());
  const std::string dir_inside = view.tmpdir() + "/clrprobe-agent-" + content_hash(*bytes);
  const std::string dir = view.outside(dir_inside);
  const std::string where =
      " (to copy the agent into " + view.describe() + "'s filesystem, which does not hold " + agent_here + ")";
  if (::mkdir(dir.c_str(), 0755) == 0) {
    if (::geteuid() == 0 && ::chown(dir.c_str(), view.euid, view.egid) != 0) {
      return make_error(Reason::Io,
                        "cannot give " + dir + " to uid " + std::to_string(view.euid) + ": " + errno_text() + where);
    }
  } else if (errno != EEXIST) {
    return make_error(Reason::Io, "cannot create " + dir + ": " + errno_text() + where);
  }
  if (Status ok = check_copy_dir(dir, view); !ok) return make_error(ok.error().reason, ok.error().message + where);

  placement.path_inside = dir_inside + "/libclrprobe.so";
  placement.copied_to = view.outside(placement.path_inside);
  auto existing = read_all(placement.copied_to);
  if (!existing || *existing != *bytes) {
    if (Status written = write_copy(placement.copied_to, *bytes, view); !written) {
      return make_error(written.error().reason, written.error().message + where);
    }
  }
  return placement;
}

}  // namespace clrprobe::cli
