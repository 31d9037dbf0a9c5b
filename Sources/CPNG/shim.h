// libpng (Debian libpng-dev) for Fovea's report and previews. Fovea uses libpng's simplified
// API (png_image_write_to_memory), which needs no setjmp/longjmp error handling.
#ifndef FOVEA_CPNG_SHIM_H
#define FOVEA_CPNG_SHIM_H
#include <png.h>
#endif
