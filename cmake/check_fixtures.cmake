# ctest's shared_fixtures_present: one clear line when the fixtures folder is missing.
# usage: cmake -DFIXTURES_DIR=DIR -P check_fixtures.cmake
if(NOT IS_DIRECTORY "${FIXTURES_DIR}/onnx" OR NOT IS_DIRECTORY "${FIXTURES_DIR}/hwh")
  message(FATAL_ERROR "the shared fixtures are missing: expected ${FIXTURES_DIR} (with onnx/, hwh/, tcl/, "
                      "finn-hlslib/) beside the repository; configure with -DZYNQNN_FIXTURES_DIR=DIR to use another "
                      "folder. The tests that read them are not run.")
endif()
message(STATUS "shared fixtures: ${FIXTURES_DIR}")
