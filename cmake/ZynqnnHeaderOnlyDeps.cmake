# Header-only dependencies of the runtime. On the host they come from their CMake packages.
# A cross build cannot use the host's libraries, but these headers are the same on every
# architecture: they are exposed through a directory of links to exactly those folders (not
# all of /usr/include, which would mix the host's C library into the target's), and fmt is
# used in header-only mode.
if(CMAKE_CROSSCOMPILING)
  set(_zynqnn_cross_headers ${CMAKE_BINARY_DIR}/cross-headers)
  file(MAKE_DIRECTORY ${_zynqnn_cross_headers})
  foreach(_dir fmt nlohmann)
    if(NOT EXISTS /usr/include/${_dir})
      message(FATAL_ERROR "cross build: /usr/include/${_dir} is missing (install its -dev package)")
    endif()
    file(CREATE_LINK /usr/include/${_dir} ${_zynqnn_cross_headers}/${_dir} SYMBOLIC)
  endforeach()
  add_library(zynqnn_fmt INTERFACE)
  target_include_directories(zynqnn_fmt SYSTEM INTERFACE ${_zynqnn_cross_headers})
  target_compile_definitions(zynqnn_fmt INTERFACE FMT_HEADER_ONLY=1)
  add_library(fmt::fmt ALIAS zynqnn_fmt)
  add_library(zynqnn_json INTERFACE)
  target_include_directories(zynqnn_json SYSTEM INTERFACE ${_zynqnn_cross_headers})
  add_library(nlohmann_json::nlohmann_json ALIAS zynqnn_json)
else()
  find_package(fmt REQUIRED)
  find_package(nlohmann_json REQUIRED)
endif()
