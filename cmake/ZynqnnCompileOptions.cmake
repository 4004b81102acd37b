# Warnings are errors everywhere; sanitizers are added per build directory.
add_library(zynqnn_compile_options INTERFACE)
# HLS C++ (hls/layers, the generated kernels) is also compiled for the host, where its
# `#pragma HLS` lines mean nothing. -Wno-unknown-pragmas must follow -Wall: clang applies
# warning flags in order (GCC lets an explicit -Wno- win wherever it stands).
target_compile_options(zynqnn_compile_options INTERFACE -Wall -Wextra -Werror -Wno-unknown-pragmas)

if(ZYNQNN_SANITIZE)
  string(REPLACE ";" "," _zynqnn_sanitizers "${ZYNQNN_SANITIZE}")
  add_compile_options(-fsanitize=${_zynqnn_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_zynqnn_sanitizers})
  # With ASan instrumenting -O1 code, GCC 12 reports -Wmaybe-uninitialized inside libstdc++'s
  # <regex> (temporaries of std::function it cannot see initialized); the unsanitized -O2
  # build keeps the warning as an error.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()

# Adds a library or executable target with the project's options and include paths.
function(zynqnn_target_defaults target)
  target_link_libraries(${target} PRIVATE zynqnn_compile_options)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include)
endfunction()
