# cmake --install and CPack (scripts/package.sh): one layout everywhere, so
# clrprobe finds its agent and its export helper relative to itself
# (src/cli/agent_locator.h, src/cli/export_launcher.h):
#   bin/clrprobe
#   lib/clrprobe/libclrprobe.so     the agent (CORECLR_PROFILER_PATH)
#   lib/clrprobe/clrprobe-export    `clrprobe export` (HTTP/OTLP stack)
#   share/doc/clrprobe/             README and docs
# lib/clrprobe, not GNUInstallDirs' lib/<multiarch>: the path is fixed
# relative to bin/ so that an unpacked tarball works from any directory.
set(CLRPROBE_INSTALL_PRIVATE_DIR lib/clrprobe)

install(TARGETS clrprobe_cli RUNTIME DESTINATION bin)
install(TARGETS clrprobe_agent LIBRARY DESTINATION ${CLRPROBE_INSTALL_PRIVATE_DIR})
install(TARGETS clrprobe_export_helper RUNTIME DESTINATION ${CLRPROBE_INSTALL_PRIVATE_DIR})
install(FILES README.md BENCHMARKS.md DESTINATION share/doc/clrprobe)
install(DIRECTORY docs/ DESTINATION share/doc/clrprobe/docs FILES_MATCHING PATTERN "*.md")

set(CPACK_PACKAGE_NAME clrprobe)
set(CPACK_PACKAGE_VENDOR clrprobe)
set(CPACK_PACKAGE_CONTACT "clrprobe maintainers <clrprobe@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Live probes for .NET (CoreCLR) services on Linux")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "TGZ;DEB")
# Release artefacts carry no debug info (the build keeps it: RelWithDebInfo).
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build.*/;/\\\\.git/")

# The tarball: clrprobe-<version>-linux-x64/{bin,lib,share}, relocatable.
set(CPACK_ARCHIVE_FILE_NAME "clrprobe-${PROJECT_VERSION}-linux-x64")
set(CPACK_PACKAGE_FILE_NAME "clrprobe-${PROJECT_VERSION}-linux-x64")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)

# The Debian package installs under /usr (/usr/bin/clrprobe,
# /usr/lib/clrprobe/...). clrprobe and the agent need only libc6 (glibc
# ${CLRPROBE_GLIBC_FLOOR}+); dpkg-shlibdeps adds what clrprobe-export links
# (libcurl4, libcpp-httplib, zlib1g, libstdc++6).
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The summary is the synopsis line; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "clrprobe counts the calls of chosen methods, times them and counts the exceptions that escape them, in a service that keeps running, with probes added and removed while it serves. libclrprobe.so is a CoreCLR profiler that rewrites the IL of the chosen methods; clrprobe is the command line.")

include(CPack)
