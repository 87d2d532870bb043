#!/bin/bash
# Instruction counts (callgrind, single-threaded node) of the path command for base and this worktree, compile cache warm.
cd /work/wt/path
A="path --topology fixtures/paths/compute-public-ip/topology.yaml --from compute --scenario compute-public-ip --region westus --subnet 10.0.1.0/24 --private-endpoint-subnet 10.0.2.0/27"
for d in /work/wt/bund /work/wt/path; do
  k=/tmp/cg-cache-$(echo $d | tr / _)
  NODE_COMPILE_CACHE=$k node --single-threaded $d/dist/cli.cjs $A >/dev/null 2>&1
  NODE_COMPILE_CACHE=$k node --single-threaded $d/dist/cli.cjs $A >/dev/null 2>&1
  echo "$d: $(NODE_COMPILE_CACHE=$k valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded $d/dist/cli.cjs $A 2>&1 >/dev/null | grep -o 'Collected : [0-9]*')"
done
echo "node -e 0: $(valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded -e 0 2>&1 | grep -o 'Collected : [0-9]*')"
