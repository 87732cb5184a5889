// What build this is: the version and the git commit it was built from,
// shown by `clrprobe --version`, written to the agent's log and returned by
// the agent's `list` so that the CLI can warn when it talks to an agent of
// another build. Defined in build_info.cpp, the one file that gets the commit
// as a compile definition: a new commit recompiles that file only.
#pragma once

namespace clrprobe {

const char* build_version();
const char* build_commit();

}  // namespace clrprobe
