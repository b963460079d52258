# libFuzzer targets for the engine's parsers of outside bytes (docs/FUZZING.md).
#
# Included by the top-level CMakeLists.txt when WEFT_FUZZ is ON, in place of the rest of the
# project: the parsers need neither torch nor Qt, so a fuzz tree compiles only the few engine
# sources they use, instrumented, into a small static library, and configures in seconds.

if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "WEFT_FUZZ needs clang (libFuzzer), found ${CMAKE_CXX_COMPILER_ID}; "
                      "configure with -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14")
endif()

find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs)
find_package(nlohmann_json 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SENTENCEPIECE REQUIRED IMPORTED_TARGET sentencepiece)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(WEBP REQUIRED IMPORTED_TARGET libwebp)
find_package(Threads REQUIRED)

set(WEFT_ENGINE_DIR ${PROJECT_SOURCE_DIR}/engine)
set(WEFT_FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)
set(WEFT_FUZZ_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)

# The sentencepiece module, built as the engine builds it but without any instrumentation:
# tokenizer.cpp loads it into its own link namespace under ASan, where no sanitizer runtime exists.
add_library(weft_fuzz_sentencepiece MODULE ${WEFT_ENGINE_DIR}/src/sentencepiece_shim.cpp)
target_link_libraries(weft_fuzz_sentencepiece PRIVATE PkgConfig::SENTENCEPIECE)
set_target_properties(weft_fuzz_sentencepiece PROPERTIES PREFIX "lib" OUTPUT_NAME weft_sentencepiece
  LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib/weft)

# Only the parsers and what they call; none of these sources includes torch.
add_library(weft_fuzz_parsers STATIC
  ${WEFT_ENGINE_DIR}/src/errors.cpp
  ${WEFT_ENGINE_DIR}/src/message.cpp
  ${WEFT_ENGINE_DIR}/src/safetensors.cpp
  ${WEFT_ENGINE_DIR}/src/model_config.cpp
  ${WEFT_ENGINE_DIR}/src/tensor_table.cpp
  ${WEFT_ENGINE_DIR}/src/codec_tensors.cpp
  ${WEFT_ENGINE_DIR}/src/conversation.cpp
  ${WEFT_ENGINE_DIR}/src/audio_file.cpp
  ${WEFT_ENGINE_DIR}/src/media.cpp
  ${WEFT_ENGINE_DIR}/src/tokenizer.cpp
)
target_include_directories(weft_fuzz_parsers PUBLIC ${WEFT_ENGINE_DIR}/include ${WEFT_ENGINE_DIR}/src)
target_include_directories(weft_fuzz_parsers SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
target_compile_options(weft_fuzz_parsers PUBLIC ${WEFT_FUZZ_FLAGS} PRIVATE -fsanitize=fuzzer-no-link -Wall -Wextra)
target_compile_definitions(weft_fuzz_parsers PRIVATE
  WEFT_SPM_BUILD_PATH="$<TARGET_FILE:weft_fuzz_sentencepiece>" WEFT_SPM_INSTALL_PATH="")
target_link_libraries(weft_fuzz_parsers
  PUBLIC nlohmann_json::nlohmann_json Threads::Threads
  PRIVATE ${OpenCV_LIBS} PkgConfig::SNDFILE PkgConfig::WEBP ${CMAKE_DL_LIBS})
target_link_options(weft_fuzz_parsers PUBLIC -fsanitize=address,undefined)
add_dependencies(weft_fuzz_parsers weft_fuzz_sentencepiece)

# One executable per fuzz_<name>.cpp; scripts/fuzz.sh runs each on corpus/<name>.
set(WEFT_FUZZ_TARGETS safetensors config tokenizer conversation image audio)
foreach(name IN LISTS WEFT_FUZZ_TARGETS)
  add_executable(fuzz_${name} ${WEFT_FUZZ_DIR}/fuzz_${name}.cpp)
  target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer -Wall -Wextra)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(fuzz_${name} PRIVATE weft_fuzz_parsers)
  target_compile_definitions(fuzz_${name} PRIVATE
    WEFT_FUZZ_MODEL_DIR="${PROJECT_SOURCE_DIR}/resources/models/weft-tiny")
endforeach()
list(TRANSFORM WEFT_FUZZ_TARGETS PREPEND fuzz_ OUTPUT_VARIABLE WEFT_FUZZ_EXECUTABLES)
add_custom_target(weft_fuzz)
add_dependencies(weft_fuzz ${WEFT_FUZZ_EXECUTABLES})
