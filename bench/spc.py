#!/usr/bin/env python3
"""SPC benchmark (issue: Measure): XmR charts for 10,000 series of 60 points, side by side with a peer.

Both sides read the same file, bench/data/spc_10000x60.csv (made by bench/spc_data.py, seed 20261123),
outside the timing, and chart every series in one process on one thread:
  - Concord: concord-measure's xmr() under the default profile (NHSRplotthedots 0.2.2: limits, moving-range
    screening, the four rules with precedence, variation icon), release build, `cargo bench --bench spc_batch`;
  - peer: abspc 1.1.0 from PyPI (NHS Making Data Count SPC in Python): limits, rule flags, point colours and
    variation icon, no plotting (bench/spc_peer.py; methodology differences in bench/spc_peer_notes.md).
Goal (issue): under 100 ms on one core. Prints both medians, the ratio and the goal ratio.
Usage: bench/spc.py [--peer-repeat 3]   (needs bench/.venv with abspc==1.1.0: see bench/spc_peer_notes.md)
"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data", "spc_10000x60.csv")
PY = os.path.join(HERE, ".venv", "bin", "python")

def main():
    peer_repeat = sys.argv[sys.argv.index("--peer-repeat") + 1] if "--peer-repeat" in sys.argv else "3"
    if not os.path.exists(DATA):
        subprocess.run([sys.executable, os.path.join(HERE, "spc_data.py"), "--out", DATA], check=True)
    ours = subprocess.run(["cargo", "bench", "-q", "-p", "concord-measure", "--bench", "spc_batch", "--",
                           "--input", DATA, "--repeat", "20"], cwd=ROOT, check=True, capture_output=True, text=True)
    ours = json.loads(ours.stdout.strip().splitlines()[-1])
    peer = subprocess.run([PY, os.path.join(HERE, "spc_peer.py"), "--csv", DATA, "--repeat", peer_repeat],
                          check=True, capture_output=True, text=True)
    peer = json.loads(peer.stdout)
    print(f"{'engine':<44} {'median':>12} {'min':>12}")
    print(f"{ours['engine'] + ' (' + ours['profile'] + ')':<44} {ours['median_ms']:>10.1f}ms {ours['min_ms']:>10.1f}ms")
    print(f"{peer['peer']:<44} {peer['median_ms']:>10.1f}ms {peer['min_ms']:>10.1f}ms")
    print(f"{ours['series']} series x {ours['points']} points; peer / Concord = {peer['median_ms'] / ours['median_ms']:.0f}x; "
          f"Concord vs the 100 ms goal: {100 / ours['median_ms']:.1f}x under")

if __name__ == "__main__":
    sys.exit(main())
