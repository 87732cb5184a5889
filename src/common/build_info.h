// What build this is: the version and the git commit it was built from
// (set by CMake at configure time), shown by `clrprobe --version`, written to
// the agent's log and returned by the agent's `list` so that the CLI can warn
// when it talks to an agent of another build.
#pragma once

#ifndef CLRPROBE_BUILD_VERSION
#define CLRPROBE_BUILD_VERSION "0.0.0"
#endif
#ifndef CLRPROBE_BUILD_COMMIT
#define CLRPROBE_BUILD_COMMIT "unknown"
#endif

namespace clrprobe {

inline constexpr char kBuildVersion[] = CLRPROBE_BUILD_VERSION;
inline constexpr char kBuildCommit[] = CLRPROBE_BUILD_COMMIT;

}  // namespace clrprobe
