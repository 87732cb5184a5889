#include "process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
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

// ---- InteractiveProcess ----

namespace {

[[noreturn]] void ExecInteractiveChild(std::vector<std::string> argv_strings, std::vector<std::string> env_strings,
                                       const std::string& working_dir, int in_fd, int out_fd, int err_fd,
                                       int report_fd) {
  ::setpgid(0, 0);
  ::dup2(in_fd, STDIN_FILENO);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  ::signal(SIGPIPE, SIG_DFL);
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

void ClosePair(int fds[2]) {
  for (int i = 0; i < 2; ++i) {
    if (fds[i] >= 0) ::close(fds[i]);
  }
}

}  // namespace

std::unique_ptr<InteractiveProcess> InteractiveProcess::Start(const std::vector<std::string>& argv,
                                                              const ProcessOptions& options, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<InteractiveProcess> {
    if (error != nullptr) *error = std::move(message);
    return nullptr;
  };
  if (argv.empty()) return fail("empty command");
  // Writing to a child that has died must fail with EPIPE, not kill the test.
  ::signal(SIGPIPE, SIG_IGN);
  auto env_strings = BuildEnvironment(options);

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, report_pipe[2] = {-1, -1};
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(report_pipe, O_CLOEXEC) != 0) {
    std::string message = std::string("pipe2: ") + std::strerror(errno);
    ClosePair(in_pipe);
    ClosePair(out_pipe);
    ClosePair(err_pipe);
    ClosePair(report_pipe);
    return fail(message);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    std::string message = std::string("fork: ") + std::strerror(errno);
    ClosePair(in_pipe);
    ClosePair(out_pipe);
    ClosePair(err_pipe);
    ClosePair(report_pipe);
    return fail(message);
  }
  if (pid == 0) {
    ExecInteractiveChild(argv, env_strings, options.working_dir, in_pipe[0], out_pipe[1], err_pipe[1],
                         report_pipe[1]);
  }
  ::setpgid(pid, pid);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(report_pipe[1]);

  std::unique_ptr<InteractiveProcess> process(new InteractiveProcess());
  process->pid_ = pid;
  process->stdin_fd_ = in_pipe[1];

  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(report_pipe[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  ::close(report_pipe[0]);
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  process->reader_ = std::thread([p = process.get(), out = out_pipe[0], err = err_pipe[0]] { p->ReadLoop(out, err); });
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    return fail("cannot run " + argv[0] + ": " + std::strerror(exec_errno));  // the destructor reaps it
  }
  return process;
}

InteractiveProcess::~InteractiveProcess() {
  if (pid_ > 0 && !exit_code_) Kill();
  CloseStdin();
  if (reader_.joinable()) reader_.join();
}

void InteractiveProcess::ReadLoop(int out_fd, int err_fd) {
  bool out_open = true, err_open = true;
  std::optional<Clock::time_point> gone_at;
  while (out_open || err_open) {
    pollfd fds[2];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_fd, POLLIN, 0};
    if (err_open) fds[n++] = {err_fd, POLLIN, 0};
    int ready = ::poll(fds, n, 100);
    if (ready < 0 && errno != EINTR) break;
    std::string out_chunk, err_chunk;
    if (out_open) out_open = Drain(out_fd, out_chunk);
    if (err_open) err_open = Drain(err_fd, err_chunk);
    {
      std::lock_guard lock(mutex_);
      out_ += out_chunk;
      err_ += err_chunk;
      partial_line_ += out_chunk;
      for (size_t nl; (nl = partial_line_.find('\n')) != std::string::npos;) {
        lines_.push_back(partial_line_.substr(0, nl));
        partial_line_.erase(0, nl + 1);
      }
      if (!out_open) out_closed_ = true;
      // A grandchild may keep the pipes open after the child is gone: give up after a grace period.
      if (exit_code_ && !gone_at) gone_at = Clock::now();
    }
    changed_.notify_all();
    if (gone_at && Clock::now() - *gone_at > kDrainGrace) break;
  }
  ::close(out_fd);
  ::close(err_fd);
  {
    std::lock_guard lock(mutex_);
    if (!partial_line_.empty()) {
      lines_.push_back(partial_line_);
      partial_line_.clear();
    }
    out_closed_ = true;
  }
  changed_.notify_all();
}

bool InteractiveProcess::WriteLine(const std::string& line) {
  if (stdin_fd_ < 0) return false;
  std::string data = line + "\n";
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(stdin_fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void InteractiveProcess::CloseStdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

std::optional<std::string> InteractiveProcess::ReadLine(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !lines_.empty() || out_closed_; });
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

std::optional<std::string> InteractiveProcess::ReadLineStartingWith(const std::string& prefix,
                                                                    std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) return std::nullopt;
    auto line = ReadLine(left);
    if (!line) return std::nullopt;
    if (line->rfind(prefix, 0) == 0) return line;
  }
}

bool InteractiveProcess::ReapNoHang() {
  if (exit_code_) return true;
  int status = 0;
  pid_t w = ::waitpid(pid_, &status, WNOHANG);
  if (w != pid_) return false;
  std::lock_guard lock(mutex_);
  exit_code_ = DecodeStatus(status);
  return true;
}

std::optional<int> InteractiveProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!ReapNoHang()) {
    if (Clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

bool InteractiveProcess::Running() { return !ReapNoHang(); }

void InteractiveProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) {
      std::lock_guard lock(mutex_);
      exit_code_ = DecodeStatus(status);
    }
  }
}

std::string InteractiveProcess::Stdout() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string InteractiveProcess::Stderr() const {
  std::lock_guard lock(mutex_);
  return err_;
}

}  // namespace clrprobe::itest
