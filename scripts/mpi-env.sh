# Sourced by scripts: how to call mpirun here (root needs --allow-run-as-root; more ranks than
# cores need --oversubscribe; threads inside a rank need --bind-to none).
MPIRUN=(mpirun --oversubscribe --bind-to none)
if [ "$(id -u)" -eq 0 ]; then MPIRUN+=(--allow-run-as-root); fi
# A clean environment for launching: variables left by an enclosing MPI job confuse mpirun.
mpi_clean_env() { env | grep -oE '^(OMPI|PMIX|PMI)_[A-Za-z0-9_]*' | grep -v '^OMPI_ALLOW' | sed 's/^/-u /' | tr '\n' ' '; }
