// The one place that reads /proc/<pid>/...: small files (status, environ,
// cmdline, comm, maps, stat), the fields the CLI, the diagnostics client and
// the exporter need from them, and the paths that lead into a process's own
// filesystem view (/proc/<pid>/root) and namespaces (/proc/<pid>/ns/*).
//
// Parsers take text, so tests feed them literal /proc contents; readers
// return nullopt when a file cannot be read (no such process, or another
// user's process whose file is not readable).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clrprobe::proc {

// "/proc/<pid>"
std::string dir(pid_t pid);
// The pids listed in /proc, ascending.
std::vector<pid_t> all_pids();
// "/proc/<pid>/<name>"
std::string path(pid_t pid, std::string_view name);

// A whole small file (at most `limit` bytes); nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& file_path, std::size_t limit = 1u << 20);
// read_file(path(pid, name)).
std::optional<std::string> read(pid_t pid, std::string_view name, std::size_t limit = 1u << 20);

// ---- /proc/<pid>/status ----

// The value of "Key:\t..." (without the key, leading blanks and the newline);
// nullopt when the line is absent.
std::optional<std::string_view> status_field(std::string_view status, std::string_view key);
// The blank-separated numbers of a field such as "Uid:" (real, effective,
// saved, fs) or "NSpid:"; empty when absent or not all numbers.
std::vector<uint64_t> status_numbers(std::string_view status, std::string_view key);
// Effective uid ("Uid:" second number).
std::optional<uid_t> parse_status_euid(std::string_view status);
// Effective gid ("Gid:" second number).
std::optional<gid_t> parse_status_egid(std::string_view status);
// The pid in the process's own (innermost) pid namespace: the last number of
// "NSpid:" (kernels before 4.1 have no NSpid: nullopt).
std::optional<pid_t> parse_status_ns_pid(std::string_view status);

// ---- /proc/<pid>/environ (NUL-separated NAME=VALUE entries) ----

// Calls `visit(name, value)` for each entry with a '='.
void for_each_environ_entry(std::string_view block,
                            const std::function<void(std::string_view name, std::string_view value)>& visit);
// The first value of `name` (as getenv would find it); nullopt when absent.
std::optional<std::string> environ_value(std::string_view block, std::string_view name);
// Like environ_value, but names compare without regard to case (the .NET
// runtime's DOTNET_/COMPlus_ settings are case-insensitive).
std::optional<std::string> environ_value_ignoring_case(std::string_view block, std::string_view name);

// ---- /proc/<pid>/cmdline ----

// The arguments (NUL-separated, the trailing NUL optional).
std::vector<std::string> split_cmdline(std::string_view block);
// The arguments joined by spaces (control characters shown as spaces).
std::string cmdline_text(std::string_view block);
// The file name of a path (what follows the last '/').
std::string file_name(std::string_view path);
// The entry assembly of a dotnet host command line (`dotnet App.dll`,
// `dotnet exec --roll-forward Major /srv/App.dll`): the file name, without
// its extension, of the first argument after the program that names a .dll
// or .exe (case-insensitive); "" when none does. The host's own options come
// before the application, so the first such argument is the application.
std::string entry_assembly(const std::vector<std::string>& arguments);

// ---- paths and namespaces ----

// "/proc/<pid>/root": the process's "/" (its mount namespace and chroot),
// readable by its owner and root.
std::string root(pid_t pid);
// The namespace `kind` ("mnt", "pid", "user") of a process: the target of
// /proc/<pid>/ns/<kind>, e.g. "mnt:[4026531841]"; nullopt when unreadable.
std::optional<std::string> namespace_id(pid_t pid, std::string_view kind);
// namespace_id of the calling process.
std::optional<std::string> own_namespace_id(std::string_view kind);

// Maps a uid seen here (outside) to the uid inside a user namespace, given
// the text of /proc/<pid>/uid_map ("inside outside count" lines); nullopt
// when the uid is not mapped.
std::optional<uid_t> uid_inside(std::string_view uid_map, uid_t outside);

}  // namespace clrprobe::proc
