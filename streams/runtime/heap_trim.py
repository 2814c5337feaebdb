"""Hand memory the worker has freed back to the operating system.

glibc keeps freed blocks in the main thread's heap for reuse (Kafka fetch and produce buffers, RocksDB memtable and
block-cache fills, large Python objects). A worker's live memory stays flat over a long run, but its RSS crept up
by ~3 MB per 100,000 articles as the heap's kept free space grew: 110 of 301 MB after 300,000 articles was free
memory that one ``malloc_trim(0)`` returned (docs/benchmarks.md, memory). Trimming on a timer keeps RSS near the
live size; each call takes a few milliseconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def available() -> bool:
    return _malloc_trim() is not None


def trim_heap() -> bool:
    """Return the heap's free pages to the OS; True when memory was released, False when none was or it can't be."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
