// FFTW single precision (with its threads library). Planner flags as functions, so that
// Swift sees them with one type whatever the header's macro spelling.
#ifndef FOVEA_CFFTW_SHIM_H
#define FOVEA_CFFTW_SHIM_H
#include <fftw3.h>

static inline unsigned fovea_fftw_estimate(void) { return FFTW_ESTIMATE; }
static inline unsigned fovea_fftw_measure(void) { return FFTW_MEASURE; }
static inline unsigned fovea_fftw_patient(void) { return FFTW_PATIENT; }
static inline unsigned fovea_fftw_wisdom_only(void) { return FFTW_WISDOM_ONLY; }
static inline unsigned fovea_fftw_destroy_input(void) { return FFTW_DESTROY_INPUT; }
static inline unsigned fovea_fftw_preserve_input(void) { return FFTW_PRESERVE_INPUT; }
static inline unsigned fovea_fftw_unaligned(void) { return FFTW_UNALIGNED; }
static inline int fovea_fftw_forward(void) { return FFTW_FORWARD; }
static inline int fovea_fftw_backward(void) { return FFTW_BACKWARD; }
static inline const char *fovea_fftw_version(void) { return fftwf_version; }

// glibc's fast bins off (FFTWLibrary.avoidAllocatorConsolidation); 1 on success, 0 elsewhere.
#if defined(__GLIBC__)
#include <malloc.h>
static inline int fovea_malloc_fast_bins_off(void) { return mallopt(M_MXFAST, 0); }
#else
static inline int fovea_malloc_fast_bins_off(void) { return 0; }
#endif

#endif
