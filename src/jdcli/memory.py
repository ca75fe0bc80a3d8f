"""How a long table's memory is held: which allocator Arrow uses, and when freed memory is
handed back to the system.

Peak memory is what a long file costs a user's machine (the benchmarks measure it beside the
time). Two allocators hold a run's memory: Arrow's pool for its buffers (text columns, the
parsed file) and the C allocator for numpy's arrays and Python's objects. Each keeps what it
frees for reuse, so each grows to its own high-water mark. Here Arrow is moved onto the C
allocator, so that the two share one heap, and the heap is trimmed where a large step has
just freed much: after parsing a large file, where ``trends`` is done with its temporaries,
before writing the output.
"""

from __future__ import annotations

import contextlib
import sys

#: A table parsed from at least this many bytes is followed by ``release_freed_memory``.
LARGE_INPUT_BYTES = 8 << 20


def use_malloc() -> None:
    """Arrow allocates with malloc from here on (for the rest of the process).

    Its default allocator keeps what each thread frees for that thread, apart from the C
    heap where numpy's arrays live: a file's parsing buffers, freed once it is a DataFrame,
    stayed resident under every later array. On the C heap they are reused by those arrays,
    and ``release_freed_memory`` can hand them back. (Buffers allocated before keep their
    own allocator: switching is safe at any time.)
    """
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())


def release_freed_memory() -> None:
    """Hand memory that is freed but kept by the allocators back to the system.

    Called after a large file is parsed (its parsing buffers are freed), where ``trends`` has
    done with large temporaries, and before the output is written. On the 1.93M-row trends
    benchmark these calls, with ``use_malloc``, took the peak from 460 to about 365 MB at no
    measurable cost (benchmarks/RESULTS.md, round four). Only freed memory is concerned:
    nothing any object holds. Elsewhere than Linux with glibc, only Arrow's own pool is asked.
    """
    if "pyarrow" in sys.modules:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    if sys.platform != "linux":
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
