# fovea_write_pc(NAME DESCRIPTION text VERSION v INCLUDE_DIRS ... DEFINITIONS ... LIBRARIES ...
#                MODULE_MAP_LINKS ...)
#
# Writes ${FOVEA_PKGCONFIG_DIR}/NAME.pc whose Cflags hold -I/-D flags and whose Libs hold -L/-l
# flags only (the flags SwiftPM accepts from system libraries); the system's default folders
# (/usr/include, /usr/lib/x86_64-linux-gnu …) are left out, as pkg-config itself does. LIBRARIES may mix full paths,
# bare names, -l flags and imported targets (followed through their link interfaces).
# MODULE_MAP_LINKS are the library names Sources/C*/module.modulemap links by name: each must
# be found as lib<name>.* in one of the -L folders, otherwise configuring stops with an error.

# Adds the include folders and link flags of one LIBRARIES entry to the caller's
# _pc_includes, _pc_dirs and _pc_names (recursing into imported targets).
function(_fovea_pc_add_library item)
  if(item MATCHES "^(debug|optimized|general)$" OR item STREQUAL "")
    return()
  endif()
  if(TARGET "${item}")
    get_target_property(_aliased "${item}" ALIASED_TARGET)
    if(_aliased)
      set(item "${_aliased}")
    endif()
    get_target_property(_type "${item}" TYPE)
    set(_location)
    if(NOT _type STREQUAL "INTERFACE_LIBRARY")
      foreach(_property IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE IMPORTED_LOCATION_NOCONFIG
                        IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION_DEBUG)
        get_target_property(_location "${item}" ${_property})
        if(_location)
          break()
        endif()
      endforeach()
    endif()
    get_target_property(_target_includes "${item}" INTERFACE_INCLUDE_DIRECTORIES)
    if(_target_includes)
      list(APPEND _pc_includes ${_target_includes})
    endif()
    get_target_property(_interface "${item}" INTERFACE_LINK_LIBRARIES)
    set(_pc_includes "${_pc_includes}" PARENT_SCOPE)
    if(_location)
      _fovea_pc_add_library("${_location}")
    endif()
    if(_interface)
      foreach(_dependency IN LISTS _interface)
        if(NOT _dependency MATCHES "^\\$<")   # generator expressions: not resolvable here
          _fovea_pc_add_library("${_dependency}")
        endif()
      endforeach()
    endif()
  elseif(IS_ABSOLUTE "${item}")
    get_filename_component(_dir "${item}" DIRECTORY)
    get_filename_component(_file "${item}" NAME)
    string(REGEX REPLACE "^lib" "" _name "${_file}")
    string(REGEX REPLACE "\\.(so|a|dylib|tbd)(\\..*)?$" "" _name "${_name}")
    list(APPEND _pc_dirs "${_dir}")
    list(APPEND _pc_names "${_name}")
  elseif(item MATCHES "^-l(.+)$")
    list(APPEND _pc_names "${CMAKE_MATCH_1}")
  elseif(item MATCHES "^-L(.+)$")
    list(APPEND _pc_dirs "${CMAKE_MATCH_1}")
  elseif(item MATCHES "^-pthread$")
    list(APPEND _pc_names pthread)
  elseif(item MATCHES "^-")
    message(STATUS "Fovea pkg-config: leaving out link option ${item}")
  else()
    list(APPEND _pc_names "${item}")
  endif()
  set(_pc_includes "${_pc_includes}" PARENT_SCOPE)
  set(_pc_dirs "${_pc_dirs}" PARENT_SCOPE)
  set(_pc_names "${_pc_names}" PARENT_SCOPE)
endfunction()

# pkg-config splits on spaces: escape them.
function(_fovea_pc_escape out text)
  string(REPLACE " " "\\ " _escaped "${text}")
  set(${out} "${_escaped}" PARENT_SCOPE)
endfunction()

function(fovea_write_pc name)
  cmake_parse_arguments(PC "" "DESCRIPTION;VERSION" "INCLUDE_DIRS;DEFINITIONS;LIBRARIES;MODULE_MAP_LINKS" ${ARGN})
  set(_pc_includes ${PC_INCLUDE_DIRS})
  set(_pc_dirs)
  set(_pc_names)
  foreach(_library IN LISTS PC_LIBRARIES)
    _fovea_pc_add_library("${_library}")
  endforeach()
  foreach(_list _pc_includes _pc_dirs _pc_names)
    if(${_list})
      list(REMOVE_DUPLICATES ${_list})
    endif()
  endforeach()

  # Every library the module map names must be reachable through the -L folders.
  foreach(_link IN LISTS PC_MODULE_MAP_LINKS)
    set(_found FALSE)
    foreach(_dir IN LISTS _pc_dirs CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
      file(GLOB _candidates "${_dir}/lib${_link}.so" "${_dir}/lib${_link}.so.*" "${_dir}/lib${_link}.a"
                            "${_dir}/lib${_link}.dylib" "${_dir}/lib${_link}.tbd")
      if(_candidates)
        set(_found TRUE)
        break()
      endif()
    endforeach()
    if(NOT _found)
      message(FATAL_ERROR "Fovea pkg-config: ${name}.pc: no lib${_link}.so in the folders found "
                          "(${_pc_dirs}); Sources/C*/module.modulemap links -l${_link}. "
                          "Point CMake at the right installation (see docs/install.md).")
    endif()
    if(NOT "${_link}" IN_LIST _pc_names)
      list(APPEND _pc_names "${_link}")
    endif()
  endforeach()

  set(_cflags)
  foreach(_dir IN LISTS _pc_includes)
    if(_dir AND NOT _dir MATCHES "^\\$<" AND NOT ("${_dir}" IN_LIST CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES
                                                 AND _dir MATCHES "^(/usr/|/lib)"))
      _fovea_pc_escape(_dir "${_dir}")
      string(APPEND _cflags " -I${_dir}")
    endif()
  endforeach()
  foreach(_definition IN LISTS PC_DEFINITIONS)
    string(REGEX REPLACE "^-D" "" _definition "${_definition}")
    if(_definition)
      string(APPEND _cflags " -D${_definition}")
    endif()
  endforeach()
  set(_libs)
  foreach(_dir IN LISTS _pc_dirs)
    if("${_dir}" IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES AND _dir MATCHES "^(/usr/|/lib)")
      continue()   # system folders every linker searches anyway
    endif()
    _fovea_pc_escape(_escaped "${_dir}")
    string(APPEND _libs " -L${_escaped}")
  endforeach()
  foreach(_name IN LISTS _pc_names)
    string(APPEND _libs " -l${_name}")
  endforeach()

  if(NOT PC_VERSION)
    set(PC_VERSION "0")
  endif()
  set(_file "${FOVEA_PKGCONFIG_DIR}/${name}.pc")
  file(WRITE "${_file}"
    "# Written by Fovea's CMakeHelpers (cmake -S CMakeHelpers -B <folder>); do not edit.\n"
    "Name: ${name}\n"
    "Description: ${PC_DESCRIPTION}\n"
    "Version: ${PC_VERSION}\n"
    "Cflags:${_cflags}\n"
    "Libs:${_libs}\n")
  message(STATUS "Fovea pkg-config: ${_file}\n     Cflags:${_cflags}\n     Libs:${_libs}")
endfunction()
