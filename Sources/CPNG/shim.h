// libpng (Debian libpng-dev) for Fovea's report and previews. libpng's error handling uses
// setjmp/longjmp, which Swift cannot call: fovea_png_encode wraps the whole write in C.
#ifndef FOVEA_CPNG_SHIM_H
#define FOVEA_CPNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct { unsigned char *data; size_t size; size_t capacity; } fovea_png_buffer;

static void fovea_png_write(png_structp png, png_bytep bytes, png_size_t length) {
    fovea_png_buffer *buffer = (fovea_png_buffer *)png_get_io_ptr(png);
    if (buffer->size + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 4096;
        while (capacity < buffer->size + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(buffer->data, capacity);
        if (!grown) png_error(png, "out of memory");
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, bytes, length);
    buffer->size += length;
}

static void fovea_png_flush(png_structp png) { (void)png; }

/// Encodes 8-bit grey (channels 1) or RGB (channels 3) rows, top row first, into a PNG in memory.
/// Returns 0 on success; the caller frees *out with free().
static inline int fovea_png_encode(const unsigned char *pixels, int width, int height, int channels,
                                   unsigned char **out, size_t *outSize) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (!png) return 1;
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_write_struct(&png, NULL); return 1; }
    fovea_png_buffer buffer = {NULL, 0, 0};
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(buffer.data);
        return 2;
    }
    png_set_write_fn(png, &buffer, fovea_png_write, fovea_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + (size_t)y * width * channels));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = buffer.data;
    *outSize = buffer.size;
    return 0;
}
#endif
