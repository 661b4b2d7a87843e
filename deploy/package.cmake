# The Debian package: "cpack -G DEB" in a build configured with
# -DCMAKE_INSTALL_PREFIX=/usr (deploy/package.sh does both) makes
# hoptac_<version>_<arch>.deb of everything "cmake --install" puts in place.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hoptac)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "hoptac maintainers <hoptac@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "records of cooperation between Vietnamese offices and Lao partners")
set(CPACK_PACKAGE_DESCRIPTION
  "hoptacd, the server, keeps the cooperation activities that the offices of a\n\
province record (delegations, conferences, agreements) in an sqlite database;\n\
hoptac, the client, records, lists, searches and counts them, and carries\n\
reports from the offices to the department of foreign affairs.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
# hoptac_0.1.0_amd64.deb, as Debian names packages.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries the binaries link (nng, sqlite, protobuf-c, ...)
# come from dpkg-shlibdeps; adduser is what postinst makes the user with;
# libzip4 and libxml2 are the .docx libraries hoptac and hoptac-web load
# when they first write or read a document (client/docx_lib.h), which
# dpkg-shlibdeps does not see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libzip4, libxml2")
# libjs-chart.js: the charts hoptac-web serves (its tables work without).
# libpq5: a store on PostgreSQL; hoptacd loads it only for one, so
# dpkg-shlibdeps does not see it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion, libjs-chart.js, libpq5")
# The configuration is a conffile: dpkg keeps an administrator's edits
# across upgrades and removes it only on purge.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/conffiles "${hoptac_confdir}/hoptacd.conf\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_BINARY_DIR}/conffiles
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "hoptac: the Debian package wants -DCMAKE_INSTALL_PREFIX=/usr "
    "(now ${CMAKE_INSTALL_PREFIX}); deploy/package.sh sets it")
endif()
include(CPack)
