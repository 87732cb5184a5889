// Exit codes of the clrprobe command. `clrprobe run` otherwise returns the
// exit code of the program it ran (128+N when that program died of signal N).
#pragma once

namespace clrprobe::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;         // I/O error, unreadable report, ...
inline constexpr int kExitUsage = 2;           // bad arguments, malformed selector, agent not found
inline constexpr int kExitCannotExecute = 126;  // COMMAND found but not executable (as sh does)
inline constexpr int kExitNotFound = 127;       // COMMAND not found (as sh does)

}  // namespace clrprobe::cli
