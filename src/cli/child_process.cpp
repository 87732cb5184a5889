#include "cli/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace clrprobe::cli {
namespace {

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

Error sys_error(const char* what) {
  return make_error(Reason::Io, std::string(what) + ": " + std::strerror(errno));
}

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Restores the signal mask on scope exit.
struct MaskGuard {
  sigset_t old;
  bool active = false;
  ~MaskGuard() {
    if (active) ::sigprocmask(SIG_SETMASK, &old, nullptr);
  }
};

ssize_t read_retrying(int fd, void* buf, size_t size) {
  ssize_t n;
  do {
    n = ::read(fd, buf, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

bool should_forward(const signalfd_siginfo& si, pid_t child) {
  // Terminal-generated (Ctrl-C, Ctrl-\, hangup): sent to the whole foreground
  // process group, so the child has it already.
  if (si.ssi_code == SI_KERNEL) return false;
  // The child signalling its parent: do not bounce it back.
  if (static_cast<pid_t>(si.ssi_pid) == child) return false;
  return true;
}

ChildOutcome outcome_of(int status) {
  ChildOutcome out;
  if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
    out.exit_code = 128 + WTERMSIG(status);
  } else {
    out.exit_code = WEXITSTATUS(status);
  }
  return out;
}

}  // namespace

Result<ChildOutcome> run_child(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env) {
  if (argv.empty()) return make_error(Reason::InvalidInput, "no command to run");
  std::vector<char*> c_argv;
  for (const std::string& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const std::string& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  // Receive the forwarded signals and SIGCHLD synchronously through a
  // signalfd instead of handlers: no async-signal-safety concerns, no races
  // between "check" and "wait".
  ::signal(SIGCHLD, SIG_DFL);  // an inherited SIG_IGN would auto-reap the child
  sigset_t blocked;
  sigemptyset(&blocked);
  for (int sig : kForwardedSignals) sigaddset(&blocked, sig);
  sigaddset(&blocked, SIGCHLD);
  MaskGuard mask;
  if (::sigprocmask(SIG_BLOCK, &blocked, &mask.old) != 0) return sys_error("sigprocmask");
  mask.active = true;
  Fd sfd{::signalfd(-1, &blocked, SFD_CLOEXEC)};
  if (sfd.fd < 0) return sys_error("signalfd");

  // exec failures travel back through a close-on-exec pipe: EOF means the
  // exec succeeded, an int means errno.
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return sys_error("pipe2");
  Fd err_read{pipe_fds[0]};
  Fd err_write{pipe_fds[1]};

  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return sys_error("fork");
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &mask.old, nullptr);
    ::execvpe(c_argv[0], c_argv.data(), c_env.data());
    int err = errno;
    ssize_t ignored = ::write(err_write.fd, &err, sizeof err);
    (void)ignored;
    ::_exit(127);
  }
  err_write.reset();

  int exec_errno = 0;
  ssize_t n = read_retrying(err_read.fd, &exec_errno, sizeof exec_errno);
  err_read.reset();
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ChildOutcome out;
    out.exec_errno = exec_errno != 0 ? exec_errno : ENOEXEC;
    return out;
  }

  for (;;) {
    signalfd_siginfo si;
    ssize_t got = read_retrying(sfd.fd, &si, sizeof si);
    if (got != static_cast<ssize_t>(sizeof si)) {
      // Should not happen; fall back to a plain blocking wait.
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return sys_error("waitpid");
      }
      return outcome_of(status);
    }
    if (si.ssi_signo == SIGCHLD) {
      int status = 0;
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid && (WIFEXITED(status) || WIFSIGNALED(status))) return outcome_of(status);
      if (r < 0 && errno != EINTR) return sys_error("waitpid");
      continue;
    }
    if (should_forward(si, pid)) ::kill(pid, static_cast<int>(si.ssi_signo));
  }
}

}  // namespace clrprobe::cli
