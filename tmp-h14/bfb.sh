#!/bin/bash
# Byte-for-byte check: every command line below, run by base (/work/wt/bund) and by this worktree; stdout, stderr, exit.
# usage: bfb.sh BASE_DIR NEW_DIR   (run from /work/wt/path; fixtures are relative)
BASE=${1:-/work/wt/bund}; NEW=${2:-/work/wt/path}
cd /work/wt/path
F=fixtures/paths
COMMON="--region westus --subnet 10.0.1.0/24 --private-endpoint-subnet 10.0.2.0/27"
cmds=()
for t in compute-public-ip missing-batch-route nsg-blocks-firewall; do
  for s in compute-public-ip compute-no-public-ip firewall-outbound inbound-udr forced-tunnelling legacy-2019 data-exfiltration-prevention attached-vm; do
    for fmt in text json markdown html; do
      cmds+=("path --topology $F/$t/topology.yaml --from compute --scenario $s $COMMON --format $fmt")
    done
  done
  cmds+=("path --topology $F/$t/topology.yaml --from compute --scenario compute-public-ip $COMMON --limit 3")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --scenario compute-public-ip $COMMON --json --limit 1")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --scenario forced-tunnelling $COMMON --firewall-address 10.1.0.4")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --scenario compute-public-ip --region eastus --snapshot /work/main/fixtures/servicetags/ServiceTags_Public_20250728.json.gz")
  cmds+=("path --topology $F/$t/topology.yaml --from compute-subnet --scenario compute-public-ip $COMMON")
  cmds+=("path --topology $F/$t/topology.yaml --from nope --scenario compute-public-ip $COMMON")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --scenario nope $COMMON")
  for fmt in text json markdown html; do
    cmds+=("path --topology $F/$t/topology.yaml --from compute --to Internet --port 443 --format $fmt")
    cmds+=("path --topology $F/$t/topology.yaml --from Internet --to compute --port 22 --format $fmt")
  done
  cmds+=("path --topology $F/$t/topology.yaml --from compute --to Storage.WestUS --port 443")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --to any")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --to pe --protocol udp --port 53")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --to hub --protocol icmp")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --to www.example.com --port 443 --json")
  cmds+=("path --topology $F/$t/topology.yaml --from AzureMachineLearning --to compute --port 44224 --json")
  cmds+=("path --topology $F/$t/topology.yaml --from VirtualNetwork --to compute")
  cmds+=("path --topology $F/$t/topology.yaml --from 168.63.129.16 --to compute --format markdown")
  cmds+=("path --topology $F/$t/topology.yaml --from www.example.com --to compute")
  cmds+=("path --topology $F/$t/topology.yaml --from compute --to Internet --limit 0")
done
cmds+=("path --topology $F/none.yaml --from compute --to Internet")
cmds+=("path --topology $F/compute-public-ip/topology.yaml --from compute")
cmds+=("path --topology $F/compute-public-ip/topology.yaml --from compute --to Internet --scenario compute-public-ip")
n=0; bad=0
for c in "${cmds[@]}"; do
  n=$((n+1))
  NODE_COMPILE_CACHE=/tmp/bfb-cache-a node $BASE/dist/cli.cjs $c >/tmp/bfb-a.out 2>/tmp/bfb-a.err; a_rc=$?
  NODE_COMPILE_CACHE=/tmp/bfb-cache-b node $NEW/dist/cli.cjs $c >/tmp/bfb-b.out 2>/tmp/bfb-b.err; b_rc=$?
  rcs="$rcs $a_rc"
  if ! cmp -s /tmp/bfb-a.out /tmp/bfb-b.out || [ $a_rc != $b_rc ] || ! cmp -s /tmp/bfb-a.err /tmp/bfb-b.err; then bad=$((bad+1)); echo "DIFF ($a_rc/$b_rc): $c"; fi
done
echo "$n command lines, $bad differ; base exit codes:"; echo $rcs | tr " " "\n" | sort | uniq -c | tr "\n" " "; echo
