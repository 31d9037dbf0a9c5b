// HDF5 identifiers that are macros over H5open() (H5T_NATIVE_*, H5P_* classes, H5F_ACC_*),
// as functions Swift can call.
#ifndef FOVEA_CHDF5_SHIM_H
#define FOVEA_CHDF5_SHIM_H
#include <hdf5.h>
#include <fcntl.h>

static inline hid_t fovea_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t fovea_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t fovea_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t fovea_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t fovea_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t fovea_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t fovea_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t fovea_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t fovea_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t fovea_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t fovea_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t fovea_h5s_all(void) { return H5S_ALL; }
static inline hid_t fovea_h5e_default(void) { return H5E_DEFAULT; }
static inline unsigned fovea_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned fovea_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned fovea_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned fovea_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline size_t fovea_h5t_variable(void) { return H5T_VARIABLE; }

/// Frees the strings HDF5 allocated when reading variable-length string data into `buffer`.
static inline herr_t fovea_h5_reclaim_vlen(hid_t memory_type, hid_t memory_space, void *buffer) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(memory_type, memory_space, H5P_DEFAULT, buffer);
#else
    return H5Dvlen_reclaim(memory_type, memory_space, H5P_DEFAULT, buffer);
#endif
}

/// Number of attributes attached to an object (file, group or dataset), or -1 on error.
/// (H5Oget_info changed arity between 1.10 and 1.12; this hides which one is used.)
static inline long long fovea_h5_attribute_count(hid_t object) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info3(object, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
#elif H5_VERSION_GE(1, 10, 3)
    H5O_info_t info;
    if (H5Oget_info2(object, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
#else
    H5O_info_t info;
    if (H5Oget_info(object, &info) < 0) return -1;
#endif
    return (long long)info.num_attrs;
}

/// Marks the file descriptor of a file opened with the default (sec2) driver close-on-exec, so
/// processes spawned while the file is open (tests, tools) do not inherit it — an inherited
/// descriptor keeps HDF5's advisory lock alive after the file is closed here.
static inline void fovea_h5f_set_close_on_exec(hid_t file) {
    hid_t access = H5Fget_access_plist(file);
    if (access < 0) return;
    hid_t driver = H5Pget_driver(access);
    H5Pclose(access);
    if (driver != H5FD_SEC2) return;
    void *handle = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || handle == NULL) return;
    int descriptor = *(int *)handle;
    int flags = fcntl(descriptor, F_GETFD);
    if (flags >= 0) fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC);
}

/// Turns HDF5's advisory file lock off in a file-access property list, where the library has the
/// setting (1.10.7+, 1.12.1+); returns 0 when it was set, -1 when unavailable.
static inline int fovea_h5p_disable_file_locking(hid_t file_access) {
#if H5_VERSION_GE(1, 12, 1) || (H5_VERSION_GE(1, 10, 7) && !H5_VERSION_GE(1, 12, 0))
    return H5Pset_file_locking(file_access, 0, 1) < 0 ? -1 : 0;
#else
    (void)file_access;
    return -1;
#endif
}

typedef struct { char *text; size_t capacity; } fovea_h5e_message_buffer;

static inline herr_t fovea_h5e_copy_innermost(unsigned n, const H5E_error2_t *error, void *context) {
    fovea_h5e_message_buffer *out = (fovea_h5e_message_buffer *)context;
    if (n == 0 && error->desc != NULL && out->capacity > 0) {
        size_t i = 0;
        for (; i + 1 < out->capacity && error->desc[i] != 0; i++) out->text[i] = error->desc[i];
        out->text[i] = 0;
    }
    return 0;
}

/// Copies the description of the innermost error on this thread's HDF5 error stack into `text`
/// (empty when the stack is empty), then clears the stack.
static inline void fovea_h5e_take_innermost_message(char *text, size_t capacity) {
    fovea_h5e_message_buffer out = { text, capacity };
    if (capacity > 0) text[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, fovea_h5e_copy_innermost, &out);
    H5Eclear2(H5E_DEFAULT);
}

#endif
