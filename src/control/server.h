// The agent's control server: a Unix socket in a private directory, served
// by ONE dedicated native thread (std::thread, async signals blocked, named
// "clrprobe-ctl") that never touches the runtime itself: the handler decides
// what to call.
//
// Connections are served one at a time, one request each (PROTOCOL.md). A
// client gets `receive_timeout` (5 s) to send its request, so a stalled
// client delays the others by at most that; the handler's own run time
// delays them too. Peers are checked with SO_PEERCRED before anything is
// read. Nothing a client sends, and no exception from the handler, can stop
// the thread or reach the host: errors become error replies or log lines.
#pragma once

#include "common/result.h"
#include "control/dispatch.h"
#include "control/unique_fd.h"

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace clrprobe::control {

struct ServerOptions {
  // Time a client has to send its whole request, and to accept the reply.
  std::chrono::milliseconds receive_timeout{5000};
  std::chrono::milliseconds send_timeout{5000};
  // Optional: one line per refused or failed connection. Called on the
  // server thread; must not throw (exceptions are swallowed).
  std::function<void(std::string_view)> log;
  // Optional: runs on the server thread after each connection was served
  // (e.g. to give the memory of a large reply back). Must not throw.
  std::function<void()> after_connection;
  // Optional: runs once on the server thread before it serves the first
  // connection (start-up work that need not hold up the host, e.g. the
  // agent's clock calibration: one thread fewer). Must not throw.
  std::function<void()> on_start;
};

class ControlServer {
 public:
  using Handler = control::Handler;

  // Prepares the directory and socket (see listener.h) and starts the thread.
  // On error nothing is left behind (no thread, no socket file).
  static Result<std::unique_ptr<ControlServer>> start(const std::string& socket_path, Handler handler,
                                                      ServerOptions options = {});

  // Wakes the thread, waits for it (for at most the request being handled:
  // pending I/O is abandoned at once), closes and unlinks the socket.
  // Idempotent and safe from any thread. From inside the handler it only
  // asks the loop to end after the current request; the owner must still
  // call stop() or destroy the server (never from inside the handler).
  void stop();
  ~ControlServer();

  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  // Requests that reached the handler; for tests and diagnostics.
  uint64_t requests_handled() const { return requests_handled_.load(std::memory_order_relaxed); }

 private:
  ControlServer(std::string socket_path, Handler handler, ServerOptions options);
  void run() noexcept;
  bool serve_next();  // false once stop() was called
  void accept_one();
  void serve(int fd);
  void reply(int fd, const nlohmann::json& response);
  void log(std::string_view line, std::string_view detail = {}) noexcept;
  void back_off() noexcept;

  std::string socket_path_;
  Handler handler_;
  ServerOptions options_;
  UniqueFd listen_fd_;
  UniqueFd wake_fd_;  // eventfd: readable once stop() was called
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
  static void* thread_main(void* server);  // pthread entry: runs run()
  pthread_t thread_{};
  bool thread_started_ = false;  // guarded by stop_mutex_ after start
  std::atomic<std::thread::id> worker_id_{};
  std::mutex stop_mutex_;  // serializes join/close/unlink between stop() callers
  std::atomic<uint64_t> requests_handled_{0};
};

}  // namespace clrprobe::control
