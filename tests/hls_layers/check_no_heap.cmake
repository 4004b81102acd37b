# Fails unless OBJECT defines the layer tops and its only undefined symbols are hls::stream
# members (the interface Vitis HLS implements as FIFOs) and compiler arithmetic helpers:
# no malloc, no operator new.
execute_process(COMMAND ${NM} -uC ${OBJECT} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${OBJECT}")
endif()
execute_process(COMMAND ${NM} -C --defined-only ${OBJECT} OUTPUT_VARIABLE defined)
foreach(top no_heap_window no_heap_mvu no_heap_requant no_heap_pool)
  if(NOT defined MATCHES "${top}")
    message(FATAL_ERROR "${OBJECT} does not define ${top}")
  endif()
endforeach()
string(REPLACE "\n" ";" lines "${undefined}")
foreach(line ${lines})
  string(STRIP "${line}" symbol)
  if(symbol STREQUAL "")
    continue()
  endif()
  if(symbol MATCHES "malloc|calloc|realloc|operator new|operator delete")
    message(FATAL_ERROR "heap use in a layer: ${symbol}")
  endif()
  # Allowed besides the stream: _GLOBAL_OFFSET_TABLE_ (defined by the linker for
  # position-independent code) and, on 32-bit ARM, the compiler's 64-bit division helpers
  # and the EHABI unwinding personality routines; memset/memcpy the compiler emits for
  # block initialization and copies.
  if(NOT symbol MATCHES "^U hls::stream<" AND NOT symbol STREQUAL "U _GLOBAL_OFFSET_TABLE_"
     AND NOT symbol MATCHES "^U __aeabi_(l|ul)divmod$" AND NOT symbol MATCHES "^U __aeabi_unwind_cpp_pr[0-9]$"
     AND NOT symbol MATCHES "^U (memset|memcpy|memmove)$")
    message(FATAL_ERROR "unexpected undefined symbol in a layer object: ${symbol}")
  endif()
endforeach()
message(STATUS "no heap: only hls::stream members are undefined")
