# Man pages: every hooks/man/NAME.SECTION.scd becomes NAME.SECTION.gz (scdoc(1), gzip -n as
# Debian policy 12.1 wants), installed into share/man/manSECTION by cmake --install and the .deb.
option(NETDEV_MAN "Build and install the man pages (needs scdoc)" ON)
if(NOT NETDEV_MAN)
  return()
endif()
find_program(NETDEV_SCDOC scdoc)
if(NOT NETDEV_SCDOC)
  message(FATAL_ERROR "scdoc not found: the man pages are built with it "
          "(apt-get install scdoc, or scripts/install-deps.sh), or configure with -DNETDEV_MAN=OFF")
endif()
# The EXIT STATUS sections come from the exit code table in common/error.hpp: a small program
# built from it (scripts/man-exit-status.cpp) replaces each "; exit-status: PAGE" line of a
# source with the table's text, and scdoc renders the result.
add_executable(man-exit-status ${PROJECT_SOURCE_DIR}/scripts/man-exit-status.cpp)
target_include_directories(man-exit-status PRIVATE ${PROJECT_SOURCE_DIR})
file(GLOB NETDEV_MAN_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/hooks/man/*.scd)
set(NETDEV_MAN_PAGES)
foreach(src ${NETDEV_MAN_SOURCES})
  get_filename_component(page ${src} NAME_WLE)  # oci-netdev-hook.1
  string(REGEX MATCH "[0-9][a-z]*$" section ${page})
  set(scd ${PROJECT_BINARY_DIR}/man/${page}.scd)
  set(out ${PROJECT_BINARY_DIR}/man/${page}.gz)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND man-exit-status ${src} ${scd}
    COMMAND sh -c "\"$1\" < \"$2\" > \"$3.tmp\" && gzip -9n < \"$3.tmp\" > \"$3\" && rm \"$3.tmp\""
            sh ${NETDEV_SCDOC} ${scd} ${out}
    DEPENDS ${src} man-exit-status
    COMMENT "scdoc ${page}"
    VERBATIM)
  list(APPEND NETDEV_MAN_PAGES ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man ALL DEPENDS ${NETDEV_MAN_PAGES})
