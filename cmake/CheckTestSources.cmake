# Fails the configuration when a test source under tests/ (a file named *_test.cpp) is
# part of no target: such a test compiles nowhere and passes by never running (issue 11
# found five). Call after every test target is defined.
#
# clrprobe_check_test_sources(<tests dir> [EXEMPT <dir>...])
# EXEMPT: directories whose targets were deliberately not defined (e.g. the integration
# tests when no .NET SDK is found; CMake has warned about that already).

# Every target defined in `dir` and the directories below it.
function(_clrprobe_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _clrprobe_targets_below(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(clrprobe_check_test_sources tests_dir)
  cmake_parse_arguments(ARG "" "" "EXEMPT" ${ARGN})
  _clrprobe_targets_below(${tests_dir} targets)
  set(built "")
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY" OR type STREQUAL "UTILITY")
      continue()
    endif()
    get_target_property(sources ${target} SOURCES)
    get_target_property(source_dir ${target} SOURCE_DIR)
    foreach(source IN LISTS sources)
      if(source MATCHES "^\\$<")
        continue()  # generator expressions name no plain file
      endif()
      cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir} NORMALIZE OUTPUT_VARIABLE absolute)
      list(APPEND built ${absolute})
    endforeach()
  endforeach()

  file(GLOB_RECURSE test_sources CONFIGURE_DEPENDS ${tests_dir}/*_test.cpp)
  set(orphans "")
  foreach(source IN LISTS test_sources)
    set(exempt FALSE)
    foreach(dir IN LISTS ARG_EXEMPT)
      cmake_path(IS_PREFIX dir ${source} NORMALIZE exempt_here)
      if(exempt_here)
        set(exempt TRUE)
      endif()
    endforeach()
    if(exempt)
      continue()
    endif()
    list(FIND built ${source} index)
    if(index EQUAL -1)
      file(RELATIVE_PATH relative ${CMAKE_SOURCE_DIR} ${source})
      list(APPEND orphans ${relative})
    endif()
  endforeach()
  if(orphans)
    list(JOIN orphans "\n  " listed)
    message(FATAL_ERROR "Test sources that no target builds (add each to a test executable in its "
                        "directory's CMakeLists.txt):\n  ${listed}")
  endif()
endfunction()
