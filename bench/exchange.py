#!/usr/bin/env python3
"""Signing and verifying exchanged documents (issue 19): 10,000 benchmark-series documents signed
and verified by Concord, and by a standard JOSE library on the same documents.

1. 10,000 documents (a catalogue metric's benchmark series: 36 monthly values each, about 2 KB)
   are written as Concord document envelopes.
2. Concord: `concord exchange keygen`, then `concord exchange sign` and `concord exchange verify`
   over all of them (the commands time their own hashing, signing and verifying, files aside).
3. The peer: joserfc (PyPI), with the same Ed25519 key, over the same documents: each document's
   RFC 8785 canonical bytes (Python's sorted, compact json.dumps; these documents hold only
   strings and integers, where that is RFC 8785), their SHA-256, and a detached compact JWS
   (EdDSA) — signed, then verified by re-attaching the payload.
4. Interoperability: joserfc verifies every document Concord signed, and Concord verifies every
   document joserfc signed, so either side can check the other's signatures.

Usage: bench/exchange.py [--documents 10000]. Installs joserfc into target/bench-venv. Uses
target/release/concord if built, else target/debug/concord (say which in the figures).
"""

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = next(
    (p for p in (os.path.join(ROOT, "target", b, "concord") for b in ("release", "debug")) if os.path.exists(p)),
    None,
)
VENV = os.path.join(ROOT, "target", "bench-venv")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def venv_python():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if subprocess.run([python, "-c", "import joserfc"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "joserfc==1.6.5"],
                       check=True)
    return python


def documents(n):
    for i in range(n):
        yield {
            "type": "benchmark_series",
            "id": f"urn:concord:northmoor-and-dale:benchmark:metric-{i}",
            "version": 1 + i % 3,
            "published_at": "2026-12-01T09:00:00Z",
            "publisher": {"name": "Northmoor and Dale ICS",
                          "url": "https://northmoor.example/.well-known/concord/documents"},
            "content": {
                "metric": {"code": f"metric_{i}", "name": f"Metric {i}", "unit": "people"},
                "rule": "Suppressed below 10, rounded to 5",
                "values": [{"period": f"{2024 + m // 12}-{1 + m % 12:02d}", "value": 100 + (i * 7 + m * 13) % 400}
                           for m in range(36)],
            },
        }


PEER = r'''
import base64, hashlib, json, os, sys, time
from joserfc import jws
from joserfc.jwk import OKPKey

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

key = OKPKey.import_key(json.load(open(sys.argv[1])))
public = OKPKey.import_key(json.load(open(sys.argv[2])))
kid = json.load(open(sys.argv[2]))["kid"]
documents = [json.load(open(os.path.join(sys.argv[3], f))) for f in sorted(os.listdir(sys.argv[3]))]
ours = [json.load(open(os.path.join(sys.argv[4], f))) for f in sorted(os.listdir(sys.argv[4]))]

def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

started = time.perf_counter()
signed = []
for document in documents:
    payload = canonical(document)
    digest = "sha256:" + hashlib.sha256(payload).hexdigest()
    compact = jws.serialize_compact({"alg": "EdDSA", "kid": kid, "typ": "concord-document+json"}, payload, key,
                                    algorithms=["EdDSA"])
    header, _, signature = compact.split(".")
    signed.append({"document": document, "hash": digest, "signature": header + ".." + signature})
sign_seconds = time.perf_counter() - started

started = time.perf_counter()
for one in signed:
    payload = canonical(one["document"])
    assert "sha256:" + hashlib.sha256(payload).hexdigest() == one["hash"]
    header, signature = one["signature"].split("..")
    jws.deserialize_compact(header + "." + b64(payload) + "." + signature, public, algorithms=["EdDSA"])
verify_seconds = time.perf_counter() - started

# Concord's signatures, checked by joserfc.
refused = 0
for one in ours:
    payload = canonical(one["document"])
    if "sha256:" + hashlib.sha256(payload).hexdigest() != one["hash"]:
        refused += 1
        continue
    header, signature = one["signature"].split("..")
    try:
        jws.deserialize_compact(header + "." + b64(payload) + "." + signature, public, algorithms=["EdDSA"])
    except Exception:
        refused += 1

out = sys.argv[5]
os.makedirs(out, exist_ok=True)
for i, one in enumerate(signed):
    json.dump(one, open(os.path.join(out, f"{i:06d}.json"), "w"))
print(json.dumps({"sign": sign_seconds, "verify": verify_seconds, "concord_refused": refused}))
'''


def concord(*args):
    result = subprocess.run([BINARY, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"concord {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout


def seconds_in(text):
    # "Signed 10000 documents in 0.123 s ..." / "Verified 10000 documents in 0.456 s ..."
    return float(text.split(" in ")[1].split(" s")[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    if BINARY is None:
        sys.exit("build concord first (cargo build -p concord)")
    python = venv_python()
    with tempfile.TemporaryDirectory() as work:
        docs = os.path.join(work, "documents")
        os.makedirs(docs)
        files = []
        for i, document in enumerate(documents(args.documents)):
            path = os.path.join(docs, f"{i:06d}.json")
            with open(path, "w") as f:
                json.dump(document, f)
            files.append(path)
        size = sum(os.path.getsize(f) for f in files) / len(files)
        key = os.path.join(work, "system.jwk")
        concord("exchange", "keygen", "--out", key)
        public = os.path.join(work, "system.pub.jwk")
        signed_dir = os.path.join(work, "signed")
        sign_seconds = seconds_in(concord("exchange", "sign", "--key", key, "--out-dir", signed_dir, *files))
        signed = [os.path.join(signed_dir, os.path.basename(f)) for f in files]
        verify_seconds = seconds_in(concord("exchange", "verify", "--public-key", public, *signed))
        peer_dir = os.path.join(work, "peer")
        peer = subprocess.run([python, "-c", PEER, key, public, docs, signed_dir, peer_dir],
                              capture_output=True, text=True)
        if peer.returncode != 0:
            sys.exit(f"joserfc failed: {peer.stderr.strip()}")
        peer = json.loads(peer.stdout)
        peer_files = [os.path.join(peer_dir, f) for f in sorted(os.listdir(peer_dir))]
        concord_checks_peer = concord("exchange", "verify", "--public-key", public, *peer_files)
    build = "release" if "release" in BINARY else "debug"
    n = args.documents
    print(f"{n:,} documents of {size / 1024:.1f} KB, {build} build of concord")
    print("| step | Concord | joserfc | Concord is |")
    print("|---|---|---|---|")
    for step, ours, theirs in (("sign (hash + JWS)", sign_seconds, peer["sign"]),
                               ("verify (hash + JWS)", verify_seconds, peer["verify"])):
        ratio = theirs / ours
        words = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
        print(f"| {step} | {ours * 1000:.0f} ms ({ours / n * 1e6:.0f} us each) | "
              f"{theirs * 1000:.0f} ms ({theirs / n * 1e6:.0f} us each) | {words} |")
    print(f"joserfc refused {peer['concord_refused']} of Concord's signatures; Concord on joserfc's: "
          f"{concord_checks_peer.strip()}")


if __name__ == "__main__":
    main()
