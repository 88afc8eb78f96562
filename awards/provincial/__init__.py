"""The provincial round: the per-cycle switch, the provinces' working groups, provincial scoring, forwarding to
the national round and provincial awards (PROCESS.md, «The provincial round»)."""
