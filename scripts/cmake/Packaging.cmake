# `cpack -G DEB` in the build directory: a .deb installing the same files under /usr, checked
# with lintian (tests/packaging/check_lintian.sh).
install(FILES ${PROJECT_SOURCE_DIR}/config/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian changelog format, gzipped -n (policy 12.7); a native package names it changelog.gz.
set(NETDEV_CHANGELOG ${PROJECT_BINARY_DIR}/changelog.gz)
add_custom_command(
  OUTPUT ${NETDEV_CHANGELOG}
  COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" sh ${PROJECT_SOURCE_DIR}/config/debian/changelog
          ${NETDEV_CHANGELOG}
  DEPENDS ${PROJECT_SOURCE_DIR}/config/debian/changelog
  VERBATIM)
add_custom_target(changelog ALL DEPENDS ${NETDEV_CHANGELOG})
install(FILES ${NETDEV_CHANGELOG} DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME oci-netdev-hook)
set(CPACK_PACKAGE_VENDOR "oci-netdev-hook")
set(CPACK_PACKAGE_CONTACT "oci-netdev-hook maintainers <oci-netdev-hook@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "OCI hook moving host network devices into containers")
file(READ ${PROJECT_SOURCE_DIR}/config/debian/description CPACK_DEBIAN_PACKAGE_DESCRIPTION)
string(STRIP "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}" CPACK_DEBIAN_PACKAGE_DESCRIPTION)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
