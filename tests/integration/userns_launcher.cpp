// userns_launcher OUTER_UID -- COMMAND...: runs COMMAND as root of a new user namespace
// whose uids 0..65535 are OUTER_UID..OUTER_UID+65535 outside (gids likewise), with its own
// pid and mount namespaces, /proc for them and private tmpfs on /tmp and /dev/shm: a rootless
// container without a container runtime or newuidmap. The launcher (root outside) writes
// the id maps of its child, which waits for them before it gains its capabilities (an
// exec before the maps exist would drop them). Used by namespace_attach_test.
// KEEP_UNDER_TMP=/tmp/DIR keeps that one directory of the outer /tmp visible in the new
// one (a build tree under /tmp), by way of a bind mount of the old /tmp on /mnt.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

int fail(const char* what) {
  std::fprintf(stderr, "userns_launcher: %s: %s\n", what, std::strerror(errno));
  return 125;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
    std::fprintf(stderr, "usage: userns_launcher OUTER_UID -- COMMAND...\n");
    return 125;
  }
  const long outer = std::strtol(argv[1], nullptr, 10);
  int ready[2];   // child -> parent: namespaces created
  int mapped[2];  // parent -> child: maps written
  if (::pipe(ready) != 0 || ::pipe(mapped) != 0) return fail("pipe");
  pid_t child = ::fork();
  if (child < 0) return fail("fork");
  if (child == 0) {
    ::close(ready[0]);
    ::close(mapped[1]);
    if (::unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS) != 0) return fail("unshare");
    char byte = 1;
    if (::write(ready[1], &byte, 1) != 1) return fail("write");
    if (::read(mapped[0], &byte, 1) != 1) return fail("wait for the maps");
    if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0) return fail("become root inside");
    // The first child in the new pid namespace is its pid 1; COMMAND runs under it.
    pid_t init = ::fork();
    if (init < 0) return fail("fork in the namespace");
    if (init > 0) {
      int status = 0;
      while (::waitpid(init, &status, 0) < 0 && errno == EINTR) {
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return fail("make / private");
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return fail("mount /proc");
    const char* keep = std::getenv("KEEP_UNDER_TMP");
    const bool keeping = keep != nullptr && std::strncmp(keep, "/tmp/", 5) == 0;
    if (keeping && ::mount("/tmp", "/mnt", nullptr, MS_BIND | MS_REC, nullptr) != 0) return fail("bind /tmp on /mnt");
    if (::mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777") != 0) return fail("mount /tmp");
    if (::mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777") != 0) return fail("mount /dev/shm");
    if (keeping) {
      const std::string kept = std::string("/mnt") + (keep + 4);
      if (::mkdir(keep, 0755) != 0) return fail("mkdir the kept directory");
      if (::mount(kept.c_str(), keep, nullptr, MS_BIND | MS_REC, nullptr) != 0) return fail("bind the kept directory");
      if (::umount2("/mnt", MNT_DETACH) != 0) return fail("unmount /mnt");
    }
    ::execvp(argv[3], argv + 3);
    return fail(argv[3]);
  }
  ::close(ready[1]);
  ::close(mapped[0]);
  char byte = 0;
  if (::read(ready[0], &byte, 1) != 1) return fail("the child did not create its namespaces");
  const std::string proc = "/proc/" + std::to_string(child);
  const std::string map = "0 " + std::to_string(outer) + " 65536\n";
  if (!write_file(proc + "/setgroups", "deny") || !write_file(proc + "/uid_map", map) ||
      !write_file(proc + "/gid_map", map)) {
    return fail("write the id maps");
  }
  if (::write(mapped[1], &byte, 1) != 1) return fail("signal the child");
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
