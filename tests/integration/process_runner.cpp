#include "process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace clrprobe::itest {
namespace {

using Clock = std::chrono::steady_clock;

// After the child has exited, how long to keep draining pipes a grandchild may hold open.
constexpr std::chrono::seconds kDrainGrace{5};

std::vector<std::string> BuildEnvironment(const ProcessOptions& options) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : options.env) {
    if (value) {
      vars[name] = *value;
    } else {
      vars.erase(name);
    }
  }
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads what is available on fd into sink; returns false at EOF or on error.
bool Drain(int fd, std::string& sink) {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      sink.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

[[noreturn]] void ExecChild(std::vector<std::string> argv_strings, std::vector<std::string> env_strings,
                            const std::string& working_dir, int out_fd, int err_fd, int report_fd) {
  ::setpgid(0, 0);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  if (!working_dir.empty() && ::chdir(working_dir.c_str()) != 0) {
    int e = errno;
    (void)!::write(report_fd, &e, sizeof e);
    ::_exit(127);
  }
  auto args = CStrings(argv_strings);
  auto envp = CStrings(env_strings);
  ::execvpe(args[0], args.data(), envp.data());
  int e = errno;
  (void)!::write(report_fd, &e, sizeof e);
  ::_exit(127);
}

}  // namespace

std::string DescribeCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t'\"$*!()[]?;&|<>") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "empty command";
    return result;
  }
  auto env_strings = BuildEnvironment(options);

  int out_pipe[2], err_pipe[2], report_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(report_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe2: ") + std::strerror(errno);
    return result;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    ExecChild(argv, env_strings, options.working_dir, out_pipe[1], err_pipe[1], report_pipe[1]);
  }
  ::setpgid(pid, pid);  // also in the child: whichever runs first wins the race
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(report_pipe[1]);

  // The report pipe closes on a successful exec (O_CLOEXEC) or carries exec's errno.
  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(report_pipe[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  ::close(report_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    result.error = "cannot run " + argv[0] + ": " + std::strerror(exec_errno);
  }

  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  bool out_open = true, err_open = true, reaped = false;
  int status = 0;
  const auto deadline = Clock::now() + options.timeout;
  Clock::time_point reaped_at;

  while (true) {
    if (!reaped) {
      pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        reaped = true;
        reaped_at = Clock::now();
      }
    }
    if (reaped && !out_open && !err_open) break;
    if (reaped && Clock::now() - reaped_at > kDrainGrace) break;
    if (Clock::now() > deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      if (!reaped) {
        ::waitpid(pid, &status, 0);
        reaped = true;
      }
      break;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
    if (n == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    int ready = ::poll(fds, n, 50);
    if (ready < 0 && errno != EINTR) break;
    if (out_open) out_open = Drain(out_pipe[0], result.out);
    if (err_open) err_open = Drain(err_pipe[0], result.err);
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  if (!reaped) ::waitpid(pid, &status, 0);
  // Do not leave grandchildren of a timed-out run behind.
  if (result.timed_out) ::kill(-pid, SIGKILL);
  result.exit_code = DecodeStatus(status);
  return result;
}

}  // namespace clrprobe::itest
