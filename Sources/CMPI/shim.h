// The MPI handles that OpenMPI defines as macros, as functions Swift can call.
#ifndef FOVEA_CMPI_SHIM_H
#define FOVEA_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm fovea_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype fovea_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype fovea_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype fovea_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype fovea_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype fovea_mpi_uint8(void) { return MPI_UINT8_T; }
static inline MPI_Op fovea_mpi_op_sum(void) { return MPI_SUM; }
static inline MPI_Op fovea_mpi_op_max(void) { return MPI_MAX; }
static inline MPI_Op fovea_mpi_op_min(void) { return MPI_MIN; }
static inline void *fovea_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *fovea_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Errhandler fovea_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int fovea_mpi_max_library_version_string(void) { return MPI_MAX_LIBRARY_VERSION_STRING; }
static inline int fovea_mpi_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
static inline int fovea_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int fovea_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int fovea_mpi_success(void) { return MPI_SUCCESS; }

#endif
