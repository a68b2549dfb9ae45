"""CPU seconds spent by the processes a bench runs (itself, its workers, the Temporal server), read from /proc."""

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (its own, not its children's); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(name: str) -> list[int]:
    """This process's children whose command line holds `name`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and name in command:
            found.append(int(stat.parent.name))
    return found


def cpu_by_group(groups: dict[str, list[int]]) -> dict[str, float]:
    return {group: sum(cpu_seconds(pid) for pid in pids) for group, pids in groups.items()}
