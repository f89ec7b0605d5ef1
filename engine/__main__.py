import os
import sys

# One BLAS thread: the matrices are tiny, and the checker forks worker processes.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from .cli import main  # noqa: E402

sys.exit(main())
