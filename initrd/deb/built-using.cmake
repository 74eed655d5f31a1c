# SPDX-License-Identifier: GPL-2.0-or-later
# CPack post-build script (CPACK_POST_BUILD_SCRIPTS): adds the Built-Using field, which CPack's DEB generator
# cannot write, to each .deb CPack made. The package is unpacked and built again by dpkg-deb itself (files
# owned by root); its contents and md5sums stay as CPack made them. CPack reports an error here but still
# says the package was made: TEST-package checks the field.
foreach(deb IN LISTS CPACK_PACKAGE_FILES)
  if(NOT deb MATCHES "\\.deb$" OR NOT CPACK_DEBIAN_BUILT_USING)
    continue()
  endif()
  set(dir "${deb}.tree")
  file(REMOVE_RECURSE "${dir}")
  execute_process(COMMAND dpkg-deb -R "${deb}" "${dir}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -R ${deb}: ${rc}")
  endif()
  # one paragraph: the field goes after the last line, before CPack's trailing empty line
  file(READ "${dir}/DEBIAN/control" control)
  string(STRIP "${control}" control)
  file(WRITE "${dir}/DEBIAN/control" "${control}\nBuilt-Using: ${CPACK_DEBIAN_BUILT_USING}\n")
  execute_process(COMMAND dpkg-deb --root-owner-group -Zxz -b "${dir}" "${deb}" OUTPUT_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -b ${deb}: ${rc}")
  endif()
  file(REMOVE_RECURSE "${dir}")
endforeach()
