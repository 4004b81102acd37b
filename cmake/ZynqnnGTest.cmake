# GoogleTest: the installed package on the host; for a cross build, the sources Debian
# ships in /usr/src/googletest are built with the cross compiler.
if(CMAKE_CROSSCOMPILING)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
else()
  find_package(GTest REQUIRED)
endif()
include(GoogleTest)

# zynqnn_add_test(NAME [NEEDS_FIXTURES] SOURCES... LIBS ...): one GoogleTest executable
# registered with CTest. NEEDS_FIXTURES: it reads ZYNQNN_FIXTURES_DIR, so it runs only after the
# check that the folder is there (tests/CMakeLists.txt: shared_fixtures_present).
function(zynqnn_add_test name)
  cmake_parse_arguments(ARG "NEEDS_FIXTURES" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  zynqnn_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  target_compile_definitions(${name} PRIVATE
    ZYNQNN_FIXTURES_DIR="${ZYNQNN_FIXTURES_DIR}"
    ZYNQNN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set(fixture_properties "")
  if(ARG_NEEDS_FIXTURES)
    set(fixture_properties FIXTURES_REQUIRED shared_fixtures)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 120 PROPERTIES TIMEOUT 300 ${fixture_properties})
endfunction()
