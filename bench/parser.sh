#!/usr/bin/env bash
# Parser micro-benchmark (issue 4): builds bench/parser and runs it on one core (threads=1, forks=1).
# Prints JMH's table; the "events" row is updates (events) per second per core.
set -euo pipefail
cd "$(dirname "$0")/parser"
mvn -q -B package -DskipTests
java -jar target/benchmarks.jar ClassifierBenchmark -f 1 -t 1 -wi 3 -w 5s -i 5 -r 5s "$@" | tee target/jmh.txt
echo
echo "updates/s/core: $(awk '/^ClassifierBenchmark.classify:events/ {print $(NF-3) " ± " $(NF-1) " ops/s"}' target/jmh.txt) (cores: $(nproc))"
