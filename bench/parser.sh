#!/usr/bin/env bash
# Parser micro-benchmark (issue 4): builds bench/parser and runs it on one core (threads=1, forks=1),
# on the fixture bodies as published and compacted (as Meta sends them), in the issue 4 mix (classic) and
# the same traffic in 2026 shapes (issue 14). About 2 minutes. Extra arguments go to JMH,
# e.g. bench/parser.sh -jvmArgs -XX:+UseParallelGC, or -p mix=classic for the older mix alone.
set -euo pipefail
cd "$(dirname "$0")/parser"
../../mvnw -q -B package -DskipTests
java -jar target/benchmarks.jar ClassifierBenchmark -f 1 -t 1 -wi 3 -w 3s -i 5 -r 4s "$@" | tee target/jmh.txt
echo
echo "updates (events) per second per core, on $(nproc) cores:"
awk '/^ClassifierBenchmark.classify:events/ {printf "  %-13s %-8s %12s ± %s ops/s\n", $2, $3, $(NF-3), $(NF-1)}' target/jmh.txt
