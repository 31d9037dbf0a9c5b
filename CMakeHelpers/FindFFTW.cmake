# FindFFTW.cmake — locates FFTW 3 in single precision (libfftw3f) and its threads library.
#
# Components (default: Float):
#   Float          libfftw3f and fftw3.h
#   FloatThreads   libfftw3f_threads (or, for builds configured with --with-combined-threads,
#                  the threads API inside libfftw3f itself)
#   FloatOpenMP    libfftw3f_omp
#
# Hints, in order: the FFTW_ROOT CMake or environment variable, then the variables that
# environment modules commonly set (FFTW_DIR, FFTW_HOME, FFTW_INC/FFTW_LIB, EBROOTFFTW for
# EasyBuild, FFTW3_ROOT), then the default system paths.
#
# Results:
#   FFTW_FOUND, FFTW_INCLUDE_DIRS, FFTW_LIBRARIES (every found component's library)
#   FFTW_Float_LIBRARY, FFTW_FloatThreads_LIBRARY, FFTW_FloatOpenMP_LIBRARY
#   FFTW_FloatThreads_COMBINED  TRUE when the threads API lives in libfftw3f
#   imported targets FFTW::Float, FFTW::FloatThreads, FFTW::FloatOpenMP

if(NOT FFTW_FIND_COMPONENTS)
  set(FFTW_FIND_COMPONENTS Float)
endif()

set(_fftw_hints)
foreach(_var FFTW_ROOT FFTW_DIR FFTW_HOME EBROOTFFTW FFTW3_ROOT FFTW3_DIR)
  if(DEFINED ${_var})
    list(APPEND _fftw_hints "${${_var}}")
  endif()
  if(DEFINED ENV{${_var}})
    list(APPEND _fftw_hints "$ENV{${_var}}")
  endif()
endforeach()

find_path(FFTW_INCLUDE_DIR fftw3.h
  HINTS ${_fftw_hints} $ENV{FFTW_INC} $ENV{FFTW_INCLUDE}
  PATH_SUFFIXES include)

function(_fftw_find_library var name)
  find_library(${var} NAMES ${name}
    HINTS ${_fftw_hints} $ENV{FFTW_LIB} $ENV{FFTW_LIBDIR}
    PATH_SUFFIXES lib lib64 lib/x86_64-linux-gnu)
endfunction()

set(FFTW_LIBRARIES)
set(_fftw_required_vars FFTW_INCLUDE_DIR)
foreach(_component IN LISTS FFTW_FIND_COMPONENTS)
  if(_component STREQUAL "Float")
    _fftw_find_library(FFTW_Float_LIBRARY fftw3f)
  elseif(_component STREQUAL "FloatThreads")
    _fftw_find_library(FFTW_FloatThreads_LIBRARY fftw3f_threads)
    if(NOT FFTW_FloatThreads_LIBRARY)
      _fftw_find_library(FFTW_Float_LIBRARY fftw3f)
      if(FFTW_Float_LIBRARY)
        include(CheckLibraryExists)
        check_library_exists("${FFTW_Float_LIBRARY}" fftwf_init_threads "" FFTW_FloatThreads_COMBINED)
        if(FFTW_FloatThreads_COMBINED)
          set(FFTW_FloatThreads_LIBRARY "${FFTW_Float_LIBRARY}" CACHE FILEPATH "FFTW threads (combined into libfftw3f)" FORCE)
        endif()
      endif()
    endif()
  elseif(_component STREQUAL "FloatOpenMP")
    _fftw_find_library(FFTW_FloatOpenMP_LIBRARY fftw3f_omp)
  else()
    message(FATAL_ERROR "FindFFTW: unknown component ${_component} (use Float, FloatThreads, FloatOpenMP)")
  endif()
  if(FFTW_${_component}_LIBRARY)
    set(FFTW_${_component}_FOUND TRUE)
    list(APPEND FFTW_LIBRARIES "${FFTW_${_component}_LIBRARY}")
  else()
    set(FFTW_${_component}_FOUND FALSE)
  endif()
  if(FFTW_FIND_REQUIRED_${_component})
    list(APPEND _fftw_required_vars FFTW_${_component}_LIBRARY)
  endif()
endforeach()
list(REMOVE_DUPLICATES FFTW_LIBRARIES)
set(FFTW_INCLUDE_DIRS "${FFTW_INCLUDE_DIR}")

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(FFTW
  REQUIRED_VARS ${_fftw_required_vars}
  HANDLE_COMPONENTS)

if(FFTW_FOUND)
  foreach(_component Float FloatThreads FloatOpenMP)
    if(FFTW_${_component}_FOUND AND NOT TARGET FFTW::${_component})
      add_library(FFTW::${_component} UNKNOWN IMPORTED)
      set_target_properties(FFTW::${_component} PROPERTIES
        IMPORTED_LOCATION "${FFTW_${_component}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${FFTW_INCLUDE_DIR}")
    endif()
  endforeach()
endif()

mark_as_advanced(FFTW_INCLUDE_DIR FFTW_Float_LIBRARY FFTW_FloatThreads_LIBRARY FFTW_FloatOpenMP_LIBRARY)
