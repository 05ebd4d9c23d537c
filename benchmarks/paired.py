#!/usr/bin/env python3
"""Ratios of a scope to its floor from PairedFloor runs (JMH JSON files, one or more forks each).

Usage: paired.py RESULT.json [RESULT.json ...]

For each benchmark prints, per fork and over all forks: the ratio of the summed scope bursts to the
summed floor bursts ("sums"), and the median over iterations of the ratio of the quickest scope
burst to the quickest floor burst ("best bursts"), with the range over iterations. The "best
bursts" ratio is the one to trust on a loaded machine: a burst another process interrupted is
never the quickest.
"""
import json
import statistics as st
import sys

BURST = 256  # PairedFloor.BURST: operations per burst


def iterations(bench, metric):
    return [x for fork in bench["secondaryMetrics"][metric]["rawData"] for x in fork]


def per_fork(bench, metric):
    return bench["secondaryMetrics"][metric]["rawData"]


def main(paths):
    table = {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data:
            if ".PairedFloor." not in b["benchmark"]:
                continue
            name = b["benchmark"].rsplit(".", 1)[1]
            alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
            forks = zip(per_fork(b, "floorNanos"), per_fork(b, "scopeNanos"),
                        per_fork(b, "floorBestBurst"), per_fork(b, "scopeBestBurst"))
            for fl, sc, fb, sb in forks:
                table.setdefault(name, []).append({
                    "sums": sum(sc) / sum(fl),
                    "best": [s / f for s, f in zip(sb, fb)],
                    "floorNs": [f / BURST for f in fb],
                    "overNs": [(s - f) / BURST for s, f in zip(sb, fb)],
                    "floorBurstNs": min(fb), "scopeBurstNs": min(sb),
                    "alloc": alloc, "file": path})
    print("| benchmark | forks | x floor, best bursts (median of iterations) | range over forks | floor ns/op (best bursts) | minus floor ns/op (best bursts) | x floor, sums | B/op (ops of both kinds) |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for name, forks in table.items():
        medians = [st.median(f["best"]) for f in forks]
        best_all = st.median([r for f in forks for r in f["best"]])
        sums = st.mean(f["sums"] for f in forks)
        alloc = max((f["alloc"] or 0) for f in forks)
        floor_ns = st.median([x for f in forks for x in f["floorNs"]])
        over_ns = st.median([x for f in forks for x in f["overNs"]])
        print(f"| {name} | {len(forks)} | **{best_all:.3f}** | {min(medians):.3f} to {max(medians):.3f} | "
              f"{floor_ns:.1f} | {over_ns:.1f} | {sums:.3f} | {alloc:.3f} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
