#include "cli/attach.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "cli/agent_locator.h"
#include "cli/process_info.h"
#include "common/agent_clsid.h"
#include "common/attach_client_data.h"
#include "control/client.h"
#include "diagnostics/hresult.h"
#include "diagnostics/ipc_client.h"
#include "diagnostics/socket_discovery.h"

namespace clrprobe::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

milliseconds left_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? left : milliseconds(0);
}

std::string user_text(uid_t uid) {
  std::string text = std::to_string(uid);
  if (const passwd* pw = ::getpwuid(uid); pw != nullptr && pw->pw_name != nullptr) {
    text += " (";
    text += pw->pw_name;
    text += ")";
  }
  return text;
}

bool read_small_file(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (4u << 20)) break;
  }
  ::close(fd);
  return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Error diagnostics_unavailable(pid_t pid, bool known_disabled, const std::string& searched) {
  std::string message = "process " + std::to_string(pid) +
                        " has diagnostics disabled (DOTNET_EnableDiagnostics=0) or its runtime is too old; "
                        "attach is impossible — restart it under `clrprobe run`";
  if (known_disabled) {
    message += " (its environment sets DOTNET_EnableDiagnostics=0)";
  } else if (!searched.empty()) {
    message += " (" + searched + ")";
  }
  return make_error(Reason::Unsupported, message);
}

// An agent that answered a ping, loaded before we came.
AttachOutcome already_attached(pid_t pid, const std::string& control_socket, nlohmann::json ping) {
  AttachOutcome outcome;
  outcome.pid = pid;
  outcome.already_attached = true;
  outcome.control_socket = control_socket;
  outcome.ping = std::move(ping);
  return outcome;
}

}  // namespace

bool diagnostics_disabled_in_environ(std::string_view block) {
  static constexpr std::string_view kNames[] = {"DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics",
                                                "DOTNET_EnableDiagnostics_IPC", "COMPlus_EnableDiagnostics_IPC"};
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t end = block.find('\0', pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view entry = block.substr(pos, end - pos);
    pos = end + 1;
    std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = entry.substr(0, eq);
    std::string_view value = entry.substr(eq + 1);
    for (std::string_view known : kNames) {
      if (equals_ignoring_case(name, known) && value == "0") return true;
    }
  }
  return false;
}

Result<nlohmann::json> ping_agent(pid_t pid, milliseconds timeout) {
  auto path = control::agent_socket_path(pid);
  if (!path) return path.error();
  const auto deadline = Clock::now() + timeout;
  auto client = control::ControlClient::connect(*path, std::max(left_until(deadline), milliseconds(1)));
  if (!client) return client.error();
  auto response = client->request({{"op", "ping"}}, std::max(left_until(deadline), milliseconds(1)));
  if (!response) return response.error();
  if (auto it = response->find("pid");
      it != response->end() && it->is_number_integer() && it->get<long long>() != pid) {
    return make_error(Reason::Io, *path + " is answered by the agent of process " + it->dump() + ", not " +
                                      std::to_string(pid));
  }
  return response;
}

Result<AttachOutcome> ensure_agent(pid_t pid, const AttachOptions& options) {
  const std::string who = "process " + std::to_string(pid);
  if (pid <= 0) return make_error(Reason::InvalidInput, "invalid pid " + std::to_string(pid));

  // 1. The process, and whether we may touch it.
  auto info = read_process_info(pid);
  if (!info) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
  const uid_t me = ::geteuid();
  if (me != 0 && info->euid != me) {
    return make_error(Reason::Unsupported, who + " belongs to uid " + user_text(info->euid) +
                                               "; run clrprobe as that user or root");
  }

  // 2. A .NET process? libcoreclr.so is mapped by every framework-dependent
  // or self-contained app; a single-file app has the runtime inside its
  // executable, but it still has a diagnostics socket (checked below).
  auto maps = mapped_libraries(pid);
  if (!maps) {
    if (!process_exists(pid)) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
    return make_error(Reason::Io, "cannot read /proc/" + std::to_string(pid) + "/maps (permission denied?)");
  }

  auto control_socket = control::agent_socket_path(pid);
  if (!control_socket) return control_socket.error();

  // 3. Already there: an agent answers on the socket. A mapped
  // libclrprobe.so alone proves nothing: the runtime loads the library before
  // it refuses a second profiler, and keeps it mapped after that refusal.
  if (struct stat st {}; ::lstat(control_socket->c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    if (auto ping = ping_agent(pid, milliseconds(2000))) {
      return already_attached(pid, *control_socket, std::move(*ping));
    }
  }

  // 4. The runtime's diagnostics socket.
  diagnostics::SocketSearch search;
  search.dirs = options.diagnostic_dirs;
  auto diag = diagnostics::find_diagnostic_socket(pid, search);
  if (!diag) {
    if (!maps->coreclr) return make_error(Reason::Unsupported, who + " is not a .NET process");
    std::string environ_block;
    bool disabled = read_small_file("/proc/" + std::to_string(pid) + "/environ", environ_block) &&
                    diagnostics_disabled_in_environ(environ_block);
    return diagnostics_unavailable(pid, disabled, diag.error().message);
  }

  // An agent whose socket cannot exist would be loaded for nothing (and a
  // profiler cannot be unloaded): refuse first.
  if (control_socket->size() >= sizeof(sockaddr_un{}.sun_path)) {
    return make_error(Reason::InvalidInput,
                      "the agent's control socket " + *control_socket + " would be longer than " +
                          std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                          " bytes, the limit for a Unix socket path; set CLRPROBE_RUNTIME_DIR to a shorter "
                          "directory");
  }

  // 5. The agent: an absolute path the target process can open.
  AgentSearch agent_search;
  agent_search.flag = options.agent_path;
  if (const char* env = std::getenv(kAgentEnvVar)) agent_search.env = env;
  if (auto self = current_executable()) agent_search.self_exe = *self;
  auto agent = locate_agent(agent_search);
  if (!agent) return agent.error();

  AttachClientData client_data;
  client_data.runtime_dir = fs::path(*control_socket).parent_path().string();
  if (!options.log_path.empty()) {
    std::error_code ec;
    client_data.log_path = fs::absolute(options.log_path, ec).lexically_normal().string();
    if (ec) client_data.log_path = options.log_path;
    if (client_data.log_path.find('\n') != std::string::npos) {
      return make_error(Reason::InvalidInput, "the log path must not contain a newline");
    }
  }

  AttachOutcome outcome;
  outcome.pid = pid;
  outcome.agent_path = agent->string();
  outcome.diagnostics_socket = diag->path;
  outcome.control_socket = *control_socket;
  outcome.client_data = encode_attach_client_data(client_data);

  diagnostics::AttachProfilerRequest request;
  request.attach_timeout_ms = static_cast<uint32_t>(options.timeout.count());
  request.profiler_clsid = *diagnostics::parse_clsid(kAgentClsid);
  request.profiler_path = outcome.agent_path;
  request.client_data.assign(outcome.client_data.begin(), outcome.client_data.end());

  // 6. Attach. The runtime answers once the agent's InitializeForAttach
  // returned (or failed).
  const auto start = Clock::now();
  const auto deadline = start + options.timeout;
  auto hr = diagnostics::attach_profiler(diag->path, request, options.timeout);
  outcome.attach_time = since(start);
  if (!hr) {
    return make_error(hr.error().reason, "attach to " + who + " failed: " + hr.error().message);
  }
  if (*hr != diagnostics::hresult::kOk) {
    if (*hr == diagnostics::hresult::kProfilerAlreadyActive) {
      // Two attaches racing: the other one won, and its agent answers soon
      // (its socket appears within milliseconds; without one, stop early).
      const auto refused = Clock::now();
      const auto until = refused + std::min(left_until(deadline), milliseconds(2000));
      auto socket_exists = [&] {
        struct stat st {};
        return ::lstat(control_socket->c_str(), &st) == 0;
      };
      do {
        if (auto ping = ping_agent(pid, milliseconds(500))) {
          return already_attached(pid, *control_socket, std::move(*ping));
        }
        std::this_thread::sleep_for(milliseconds(50));
      } while (Clock::now() < until && (socket_exists() || Clock::now() - refused < milliseconds(300)));
      if (maps->agent) {
        return make_error(Reason::Unsupported,
                          "a profiler is already loaded in process " + std::to_string(pid) +
                              " and libclrprobe.so is mapped in it, but no agent answers on " + *control_socket +
                              " (clrprobe started with another CLRPROBE_RUNTIME_DIR, or another profiler); only "
                              "one profiler per process");
      }
    }
    return diagnostics::describe_attach_failure(*hr, pid, outcome.agent_path);
  }

  // 7. Wait until the agent's control socket answers.
  Error last = make_error(Reason::Io, "no answer yet");
  for (;;) {
    auto ping = ping_agent(pid, std::clamp(left_until(deadline), milliseconds(1), milliseconds(2000)));
    if (ping) {
      outcome.ping = std::move(*ping);
      outcome.ready_time = since(start);
      return outcome;
    }
    last = ping.error();
    if (!process_exists(pid)) {
      return make_error(Reason::RuntimeError, who + " exited right after the agent was attached");
    }
    if (left_until(deadline).count() == 0) break;
    std::this_thread::sleep_for(std::min(milliseconds(20), left_until(deadline)));
  }
  return make_error(Reason::RuntimeError,
                    "the agent was loaded into " + who + " but its control socket " + outcome.control_socket +
                        " did not answer within " + std::to_string(options.timeout.count()) +
                        " ms (last error: " + last.message + "); see the agent log (--log FILE)");
}

}  // namespace clrprobe::cli
