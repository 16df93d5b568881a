# How the hook is linked (docs/building.md "Linking"; numbers in bench/README.md "Start-up"):
#   shared          Boost, libstdc++, libmnl and glibc as shared libraries
#   static-runtime  Boost and libstdc++ linked in; libmnl and glibc shared (the .deb)
#   static          everything linked in, glibc too: runs on any x86-64 Linux node (the
#                   Kubernetes installer). Needs libmnl.a, which Debian's libmnl-dev does not
#                   ship: scripts/build-static.sh builds it from libmnl's source.
set(NETDEV_LINKING static-runtime CACHE STRING "shared, static-runtime or static")
set_property(CACHE NETDEV_LINKING PROPERTY STRINGS shared static-runtime static)
if(NOT NETDEV_LINKING MATCHES "^(shared|static-runtime|static)$")
  message(FATAL_ERROR "NETDEV_LINKING=${NETDEV_LINKING}: expected shared, static-runtime or static")
endif()
if(NETDEV_LINKING STREQUAL "static" AND (NETDEV_SANITIZE OR NETDEV_FUZZ))
  message(FATAL_ERROR "NETDEV_LINKING=static: the sanitizer runtimes cannot be linked statically")
endif()

# Debian 12 ships Boost 1.81 next to 1.74; 1.74 has no Boost.JSON.
if(NOT NETDEV_LINKING STREQUAL "shared")
  set(Boost_USE_STATIC_LIBS ON)
endif()
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json log)
find_package(PkgConfig REQUIRED)
pkg_check_modules(MNL REQUIRED IMPORTED_TARGET libmnl)

# netdev::mnl: libmnl as linked into the hook.
add_library(netdev_mnl INTERFACE)
add_library(netdev::mnl ALIAS netdev_mnl)
if(NETDEV_LINKING STREQUAL "static")
  find_library(NETDEV_LIBMNL_STATIC NAMES libmnl.a HINTS ${MNL_LIBRARY_DIRS}
               DOC "libmnl.a for NETDEV_LINKING=static")
  if(NOT NETDEV_LIBMNL_STATIC)
    message(FATAL_ERROR "NETDEV_LINKING=static needs libmnl.a, and Debian's libmnl-dev ships "
            "none: run scripts/build-static.sh, or pass -DNETDEV_LIBMNL_STATIC=/path/libmnl.a")
  endif()
  target_include_directories(netdev_mnl INTERFACE ${MNL_INCLUDE_DIRS})
  target_link_libraries(netdev_mnl INTERFACE ${NETDEV_LIBMNL_STATIC})
else()
  target_link_libraries(netdev_mnl INTERFACE PkgConfig::MNL)
endif()

# Link options for the hook binary itself (the test programs keep the defaults).
function(netdev_link_hook target)
  # Unused sections dropped, and no library needed for nothing (g++ asks for libm, which the
  # hook does not use: a library fewer to map and relocate at every start). Symbols bound at
  # start (-z now), so that the GOT is read-only for the whole run (full RELRO): measured no
  # slower than lazy binding, whose first call to each of ~200 libc functions saves and
  # restores the whole vector state (bench/README.md).
  target_link_options(${target} PRIVATE -Wl,--gc-sections -Wl,--as-needed -Wl,-z,now)
  if(NETDEV_LINKING STREQUAL "static")
    target_link_options(${target} PRIVATE -static)
  else()
    # The ~4.8k relative relocations (vtables, typeinfo, tables of pointers in libstdc++ and
    # Boost) packed as DT_RELR, which glibc 2.36 reads: 1 KB of relocations to read at every
    # start, not 116 KB: about 35 us a start (bench/README.md, "system calls and the loader").
    target_link_options(${target} PRIVATE -Wl,-z,pack-relative-relocs)
  endif()
  if(NETDEV_LINKING STREQUAL "static-runtime" AND NOT NETDEV_SANITIZE AND NOT NETDEV_FUZZ)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()

# What --version reports about the build (hooks/version.cpp): "MODE; static: ...; shared: ...".
execute_process(COMMAND ldd --version OUTPUT_VARIABLE NETDEV_GLIBC ERROR_QUIET)
string(REGEX MATCH "[0-9]+\\.[0-9]+" NETDEV_GLIBC "${NETDEV_GLIBC}")
set(boost "Boost ${Boost_VERSION}")
set(mnl "libmnl ${MNL_VERSION}")
set(glibc "glibc ${NETDEV_GLIBC}")
if(NETDEV_LINKING STREQUAL "shared")
  set(NETDEV_BUILD_LINKING "shared; static: none; shared: ${boost}, libstdc++, ${mnl}, ${glibc}")
elseif(NETDEV_LINKING STREQUAL "static" )
  set(NETDEV_BUILD_LINKING "static; static: ${boost}, libstdc++, ${mnl}, ${glibc}; shared: none")
elseif(NETDEV_SANITIZE OR NETDEV_FUZZ)  # the sanitizer runtimes want a shared libstdc++
  set(NETDEV_BUILD_LINKING "static-runtime; static: ${boost}; shared: libstdc++, ${mnl}, ${glibc}")
else()
  set(NETDEV_BUILD_LINKING "static-runtime; static: ${boost}, libstdc++; shared: ${mnl}, ${glibc}")
endif()
set(NETDEV_BUILD_FLAVOUR "${CMAKE_BUILD_TYPE}, ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
if(NETDEV_SANITIZE)
  string(APPEND NETDEV_BUILD_FLAVOUR ", ASan+UBSan")
endif()
