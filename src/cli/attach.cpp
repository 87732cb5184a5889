#include "cli/attach.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "cli/agent_connection.h"
#include "cli/agent_locator.h"
#include "cli/agent_placement.h"
#include "cli/process_info.h"
#include "common/agent_clsid.h"
#include "common/attach_client_data.h"
#include "common/proc_files.h"
#include "control/client.h"
#include "diagnostics/hresult.h"
#include "diagnostics/ipc_client.h"
#include "diagnostics/socket_discovery.h"

namespace clrprobe::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

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

// An agent that answered a ping, loaded before we came.
AttachOutcome already_attached(pid_t pid, const std::string& control_socket, nlohmann::json ping) {
  AttachOutcome outcome;
  outcome.pid = pid;
  outcome.ns_pid = pid;
  outcome.already_attached = true;
  outcome.control_socket = control_socket;
  outcome.ping = std::move(ping);
  return outcome;
}

}  // namespace

bool diagnostics_disabled_in_environ(std::string_view block) { return !disabled_diagnostics_setting(block).empty(); }

std::string disabled_diagnostics_setting(std::string_view block) {
  static constexpr std::string_view kNames[] = {"DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics",
                                                "DOTNET_EnableDiagnostics_IPC", "COMPlus_EnableDiagnostics_IPC"};
  for (std::string_view known : kNames) {
    if (auto value = proc::environ_value_ignoring_case(block, known); value && *value == "0") {
      return std::string(known) + "=0";
    }
  }
  return "";
}

std::string other_profiler_in_environ(std::string_view block) {
  auto enabled = proc::environ_value(block, "CORECLR_ENABLE_PROFILING");
  auto clsid = proc::environ_value(block, "CORECLR_PROFILER");
  if (!enabled || *enabled != "1" || !clsid || clsid->empty()) return "";
  if (equals_ignoring_case(*clsid, kAgentClsid)) return "";
  std::string text = "CORECLR_PROFILER=" + *clsid;
  for (const char* name : {"CORECLR_PROFILER_PATH_64", "CORECLR_PROFILER_PATH"}) {
    if (auto path = proc::environ_value(block, name); path && !path->empty()) {
      text += " (" + std::string(name) + "=" + *path + ")";
      break;
    }
  }
  return text;
}

Result<nlohmann::json> ping_agent(const ProcessView& view, milliseconds timeout) {
  const std::string path = agent_runtime_paths(view).socket;
  const auto deadline = Clock::now() + timeout;
  auto client = connect_as_process(view, path, std::max(left_until(deadline), milliseconds(1)));
  if (!client) return client.error();
  auto response = client->request({{"op", "ping"}}, std::max(left_until(deadline), milliseconds(1)));
  if (!response) return response.error();
  if (auto it = response->find("pid");
      it != response->end() && it->is_number_integer() && it->get<long long>() != view.ns_pid) {
    return make_error(Reason::Io, path + " is answered by the agent of process " + it->dump() + ", not " +
                                      std::to_string(view.ns_pid));
  }
  return response;
}

Status check_may_reach(const ProcessView& view) {
  const uid_t me = ::geteuid();
  if (me != 0 && view.euid != me) {
    return make_error(Reason::Unsupported, view.describe() + " belongs to uid " + user_text(view.euid) +
                                               "; clrprobe runs as uid " + user_text(me) + ": run it as uid " +
                                               std::to_string(view.euid) + " or as root");
  }
  if (!view.namespaces_hidden.empty()) {
    // Same uid, yet its namespaces are closed to us: a container (its own
    // user namespace) that only root may enter.
    return make_error(Reason::Unsupported,
                      view.describe() + " cannot be entered: its namespaces are closed to uid " + user_text(me) + " (" +
                          view.namespaces_hidden +
                          "), as for a process in a container with its own user namespace; run clrprobe as root "
                          "(or with CAP_SYS_PTRACE) in the host's namespaces");
  }
  if (view.other_mount_namespace) {
    // Everything we need of a container goes through its root.
    if (::access((view.root + "/").c_str(), X_OK) != 0) {
      return make_error(Reason::Unsupported,
                        view.describe() +
                            " runs in another mount namespace (a container) whose filesystem "
                            "cannot be entered: " +
                            view.root + ": " + std::strerror(errno) +
                            " (run clrprobe as root, or with CAP_SYS_PTRACE, in the host's or a namespace "
                            "sharing its processes)");
    }
  }
  return {};
}

Result<AttachOutcome> ensure_agent(pid_t pid, const AttachOptions& options) {
  if (pid <= 0) return make_error(Reason::InvalidInput, "invalid pid " + std::to_string(pid));

  // 1. The process, and whether we may touch it.
  auto view = view_process(pid);
  if (!view) return view.error();
  const std::string who = view->describe();
  if (Status ok = check_may_reach(*view); !ok) return ok.error();

  // 2. A .NET process? libcoreclr.so is mapped by every framework-dependent
  // or self-contained app; a single-file app has the runtime inside its
  // executable, but it still has a diagnostics socket (checked below).
  auto maps = mapped_libraries(pid);
  if (!maps) {
    if (!process_exists(pid)) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
    return make_error(Reason::Io, "cannot read /proc/" + std::to_string(pid) + "/maps: permission denied (uid " +
                                      std::to_string(view->euid) + " or root may)");
  }

  const RuntimePaths runtime = agent_runtime_paths(*view);
  const std::string& control_socket = runtime.socket;

  // 3. Already there: an agent answers on the socket. A mapped
  // libclrprobe.so alone proves nothing: the runtime loads the library before
  // it refuses a second profiler, and keeps it mapped after that refusal.
  if (struct stat st{}; ::lstat(control_socket.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    if (auto ping = ping_agent(*view, milliseconds(2000))) {
      AttachOutcome outcome = already_attached(pid, control_socket, std::move(*ping));
      outcome.ns_pid = view->ns_pid;
      return outcome;
    }
  }

  // 4. Another CLR profiler named in its environment was loaded at start-up:
  // the runtime takes one profiler per process, so attach cannot succeed.
  if (view->environ) {
    if (std::string other = other_profiler_in_environ(*view->environ); !other.empty()) {
      return make_error(Reason::Unsupported,
                        who +
                            " already runs another CLR profiler: its environment sets CORECLR_ENABLE_PROFILING=1 "
                            "and " +
                            other +
                            "; a process loads one profiler only, so clrprobe cannot attach "
                            "(see README, 'Other profilers')");
    }
  }

  // 5. The runtime's diagnostics socket, named by the pid in its namespace,
  // in its TMPDIR (or /tmp) as seen through its root.
  diagnostics::SocketSearch search;
  search.name_pid = view->ns_pid;
  search.dirs = options.diagnostic_dirs;
  if (search.dirs.empty()) {
    search.dirs.push_back(view->outside(view->tmpdir()));
    if (view->tmpdir() != "/tmp") search.dirs.push_back(view->outside("/tmp"));
  }
  auto diag = diagnostics::find_diagnostic_socket(pid, search);
  if (!diag) {
    std::string where;
    for (const auto& d : search.dirs) where += (where.empty() ? "" : ", ") + d;
    const std::string name = "dotnet-diagnostic-" + std::to_string(view->ns_pid) + "-*-socket";
    if (view->environ) {
      if (std::string setting = disabled_diagnostics_setting(*view->environ); !setting.empty()) {
        return make_error(Reason::Unsupported,
                          who + " has diagnostics disabled: its environment (/proc/" + std::to_string(pid) +
                              "/environ) sets " + setting + ", so its runtime opened no " + name +
                              "; attach is impossible — restart it without that setting, or under `clrprobe run`");
      }
    }
    if (!maps->coreclr) {
      return make_error(Reason::Unsupported, who + " is not a .NET process (no libcoreclr.so in /proc/" +
                                                 std::to_string(pid) + "/maps, no " + name + " in " + where + ")");
    }
    return make_error(Reason::Unsupported,
                      who + " runs .NET but has no diagnostics socket " + name + " in " + where +
                          (view->environ ? std::string(" (its TMPDIR is ") + view->tmpdir() + ")"
                                         : std::string(" (its environment is unreadable, so its TMPDIR is unknown)")) +
                          "; its runtime may be older than .NET 5, or the socket was deleted — restart it under "
                          "`clrprobe run`");
  }

  // An agent whose socket cannot exist would be loaded for nothing (and a
  // profiler cannot be unloaded): refuse first.
  if (control_socket.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return make_error(Reason::InvalidInput,
                      "the agent's control socket " + control_socket + " would be longer than " +
                          std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                          " bytes, the limit for a Unix socket path; set CLRPROBE_RUNTIME_DIR to a shorter "
                          "directory");
  }

  // 6. The agent: an absolute path the target process can open (a copy in
  // its filesystem when ours is not visible there).
  AgentSearch agent_search;
  agent_search.flag = options.agent_path;
  if (const char* env = std::getenv(kAgentEnvVar)) agent_search.env = env;
  if (auto self = current_executable()) agent_search.self_exe = *self;
  auto agent = locate_agent(agent_search);
  if (!agent) return agent.error();
  auto placed = place_agent(*view, agent->string());
  if (!placed) return placed.error();

  AttachClientData client_data;
  client_data.runtime_dir = agent_runtime_dir_inside(*view);
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
  outcome.ns_pid = view->ns_pid;
  outcome.agent_path = placed->path_inside;
  outcome.agent_copied_to = placed->copied_to;
  outcome.diagnostics_socket = diag->path;
  outcome.control_socket = control_socket;
  outcome.client_data = encode_attach_client_data(client_data);

  diagnostics::AttachProfilerRequest request;
  request.attach_timeout_ms = static_cast<uint32_t>(options.timeout.count());
  request.profiler_clsid = *diagnostics::parse_clsid(kAgentClsid);
  request.profiler_path = outcome.agent_path;
  request.client_data.assign(outcome.client_data.begin(), outcome.client_data.end());

  // 7. Attach. The runtime answers once the agent's InitializeForAttach
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
        return ::lstat(control_socket.c_str(), &st) == 0;
      };
      do {
        if (auto ping = ping_agent(*view, milliseconds(500))) {
          AttachOutcome raced = already_attached(pid, control_socket, std::move(*ping));
          raced.ns_pid = view->ns_pid;
          return raced;
        }
        std::this_thread::sleep_for(milliseconds(50));
      } while (Clock::now() < until && (socket_exists() || Clock::now() - refused < milliseconds(300)));
      if (maps->agent) {
        return make_error(Reason::Unsupported,
                          "a profiler is already loaded in " + who +
                              " and libclrprobe.so is mapped in it, but no "
                              "agent answers on " +
                              control_socket +
                              " (clrprobe started with another CLRPROBE_RUNTIME_DIR, or another profiler); only "
                              "one profiler per process");
      }
    }
    return diagnostics::describe_attach_failure(*hr, pid, outcome.agent_path);
  }

  // 8. Wait until the agent's control socket answers.
  Error last = make_error(Reason::Io, "no answer yet");
  for (;;) {
    auto ping = ping_agent(*view, std::clamp(left_until(deadline), milliseconds(1), milliseconds(2000)));
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
