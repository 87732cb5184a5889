#include "common/build_info.h"

#ifndef CLRPROBE_BUILD_VERSION
#define CLRPROBE_BUILD_VERSION "0.0.0"
#endif
#ifndef CLRPROBE_BUILD_COMMIT
#define CLRPROBE_BUILD_COMMIT "unknown"
#endif

namespace clrprobe {

const char* build_version() { return CLRPROBE_BUILD_VERSION; }
const char* build_commit() { return CLRPROBE_BUILD_COMMIT; }

}  // namespace clrprobe
