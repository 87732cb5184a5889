#include "control/server.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "control/frame.h"
#include "control/listener.h"
#include "control/peer.h"
#include "control/socket_io.h"

namespace clrprobe::control {

ControlServer::ControlServer(std::string socket_path, Handler handler, ServerOptions options)
    : socket_path_(std::move(socket_path)), handler_(std::move(handler)), options_(std::move(options)) {}

Result<std::unique_ptr<ControlServer>> ControlServer::start(const std::string& socket_path, Handler handler,
                                                            ServerOptions options) {
  std::unique_ptr<ControlServer> server(new ControlServer(socket_path, std::move(handler), std::move(options)));
  server->wake_fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!server->wake_fd_.valid()) {
    return make_error(Reason::Io, std::string("eventfd: ") + std::strerror(errno));
  }
  auto listener = open_listener(socket_path);
  if (!listener) return listener.error();
  server->listen_fd_ = std::move(listener->fd);
  server->socket_dev_ = listener->dev;
  server->socket_ino_ = listener->ino;

  // The thread starts with asynchronous signals blocked, so the host's
  // process-directed signals (SIGTERM, SIGCHLD, ...) go to its own threads.
  // Fault signals stay unblocked: the kernel would otherwise kill the process
  // without running the host's handlers (the runtime's crash dump).
  sigset_t all, previous;
  ::sigfillset(&all);
  for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) ::sigdelset(&all, fault);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  // A plain pthread, not std::thread: std::thread's state object would be
  // freed on this thread when it ends, and a thread's first free sets up its
  // malloc cache and arena (tens of microseconds of the host's exit for a
  // thread that otherwise never allocates while idle).
  const int rc = ::pthread_create(&server->thread_, nullptr, &ControlServer::thread_main, server.get());
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (rc != 0) {
    return make_error(Reason::RuntimeError, std::string("cannot start the control thread: ") + std::strerror(rc));
  }
  server->thread_started_ = true;
  ::pthread_setname_np(server->thread_, "clrprobe-ctl");
  return server;
}

void* ControlServer::thread_main(void* server) {
  static_cast<ControlServer*>(server)->run();
  return nullptr;
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::stop() {
  // Waking is idempotent: the eventfd stays readable from now on.
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_.get(), &one, sizeof one);
  // Called from the handler (our own thread): the loop ends after this
  // request; joining here would deadlock. The owner's stop() or destructor
  // finishes the job.
  if (std::this_thread::get_id() == worker_id_.load()) return;
  std::lock_guard lock(stop_mutex_);
  if (thread_started_) {
    ::pthread_join(thread_, nullptr);
    thread_started_ = false;
  }
  listen_fd_.reset();
  if (socket_ino_ != 0) {
    unlink_if_ours(socket_path_, socket_dev_, socket_ino_);
    socket_ino_ = 0;
  }
}

void ControlServer::run() noexcept {
  worker_id_.store(std::this_thread::get_id());
  if (options_.on_start) {
    try {
      options_.on_start();
    } catch (...) {
      log("start-up work failed");
    }
  }
  for (;;) {
    // The barrier: bad_alloc or a bug in the protocol code loses one
    // connection, never the thread (an escaping exception would call
    // std::terminate in the host).
    try {
      if (!serve_next()) return;
    } catch (const std::exception& e) {
      log("connection dropped: ", e.what());
      back_off();  // if it keeps failing (out of memory), do not spin
    } catch (...) {
      log("connection dropped: unknown exception");
      back_off();
    }
  }
}

bool ControlServer::serve_next() {
  std::array<pollfd, 2> fds{pollfd{listen_fd_.get(), POLLIN, 0}, pollfd{wake_fd_.get(), POLLIN, 0}};
  const int n = ::poll(fds.data(), fds.size(), -1);
  if (n < 0) {
    if (errno == EINTR) return true;
    log(std::string("poll failed: ") + std::strerror(errno));
    back_off();
    return true;
  }
  if (fds[1].revents != 0) return false;
  if (fds[0].revents & (POLLERR | POLLNVAL)) {
    log("listening socket reported an error");
    back_off();
    return true;
  }
  if (fds[0].revents & POLLIN) accept_one();
  return true;
}

void ControlServer::accept_one() {
  UniqueFd conn(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!conn.valid()) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) return;
    log(std::string("accept failed: ") + std::strerror(errno));
    // EMFILE and friends leave the connection queued: without a pause we
    // would spin on it.
    back_off();
    return;
  }
  serve(conn.get());
  if (options_.after_connection) options_.after_connection();
}

void ControlServer::serve(int fd) {
  auto uid = peer_uid(fd);
  if (!uid) {
    log(uid.error().message);
    return;
  }
  const uid_t self = ::geteuid();
  if (!peer_allowed(*uid, self)) {
    log("refused a client with uid " + std::to_string(*uid));
    reply(fd, error_response(wire_reason::kPermissionDenied,
                             "uid " + std::to_string(*uid) + " may not control this process (it runs as uid " +
                                 std::to_string(self) + "; use that user or root)"));
    return;
  }

  std::vector<uint8_t> payload;
  const Deadline deadline = Clock::now() + options_.receive_timeout;
  IoResult read = read_frame(fd, kMaxRequestPayload, deadline, payload, wake_fd_.get());
  switch (read.status) {
    case IoStatus::Ok:
      break;
    case IoStatus::BadFrame:
      // Oversized lengths land here before any payload is read.
      reply(fd, error_response(wire_reason::kProtocol, read.message));
      return;
    case IoStatus::Timeout:
      reply(fd, error_response(wire_reason::kProtocol,
                               "request not received within " +
                                   std::to_string(options_.receive_timeout.count()) + " ms"));
      return;
    case IoStatus::PeerClosed:
    case IoStatus::Failed:
      log("client dropped: " + read.message);
      return;
    case IoStatus::Stopped:
      return;
  }

  Handler counted = [this](const Request& request) {
    requests_handled_.fetch_add(1, std::memory_order_relaxed);
    return handler_(request);
  };
  reply(fd, respond(payload, counted));
}

void ControlServer::reply(int fd, const nlohmann::json& response) {
  auto frame = encode_json_frame(response, kMaxResponsePayload);
  if (!frame) {
    frame = encode_json_frame(error_response(wire_reason::kRuntimeError, "response too large: " + frame.error().message),
                              kMaxResponsePayload);
    if (!frame) return;
  }
  IoResult sent = write_all(fd, *frame, Clock::now() + options_.send_timeout, wake_fd_.get());
  if (!sent.ok() && sent.status != IoStatus::Stopped) log("reply not delivered: " + sent.message);
}

void ControlServer::log(std::string_view line, std::string_view detail) noexcept {
  if (!options_.log) return;
  try {
    options_.log(std::string(line).append(detail));
  } catch (...) {
  }
}

void ControlServer::back_off() noexcept {
  // 100 ms, or less if stop() is called meanwhile.
  pollfd wake{wake_fd_.get(), POLLIN, 0};
  ::poll(&wake, 1, 100);
}

}  // namespace clrprobe::control
