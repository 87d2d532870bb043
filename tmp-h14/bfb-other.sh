#!/bin/bash
# Byte-for-byte check of other commands the packet-set changes reach (base /work/wt/bund vs this worktree).
BASE=${1:-/work/wt/bund}; NEW=${2:-/work/wt/path}
cd /work/wt/path
rm -rf /tmp/h14path-nft; mkdir -p /tmp/h14path-nft
node $BASE/dist/cli.cjs render --scenario compute-no-public-ip --region westus --target nftables -o /tmp/h14path-nft >/dev/null 2>&1
NFT=/tmp/h14path-nft/tagwall.nft
S=/work/main/fixtures/servicetags
cmds=()
for s in compute-no-public-ip forced-tunnelling data-exfiltration-prevention firewall-outbound; do
  for t in nftables nsg azure-firewall iptables; do cmds+=("render --scenario $s --region westus --target $t"); done
done
cmds+=("render --requirements fixtures/requirements/workload.yaml --target nftables")
cmds+=("check --scenario compute-no-public-ip --region westus --target nftables --config $NFT")
cmds+=("check --scenario compute-public-ip --region westus --target nftables --config $NFT --json")
cmds+=("equiv --region westus nftables:$NFT scenario:compute-no-public-ip")
cmds+=("diff --region westus nftables:$NFT scenario:compute-public-ip")
cmds+=("contains --region westus scenario:compute-no-public-ip nftables:$NFT")
cmds+=("shadowed nftables:$NFT")
cmds+=("shadowed nsg:fixtures/paths/compute-public-ip/compute-nsg.json")
cmds+=("shadowed azure-firewall:fixtures/paths/compute-public-ip/firewall-policy.json --json")
cmds+=("eval nftables:$NFT --packet out tcp 172.16.0.4:50000 -> 20.150.1.1:443")
cmds+=("impact --scenario compute-no-public-ip --region westus --from $S/ServiceTags_Public_20250728.json.gz --to $S/ServiceTags_Public_20251028.json.gz")
cmds+=("expand AzureMachineLearning.*")
n=0; bad=0
for c in "${cmds[@]}"; do
  n=$((n+1))
  node $BASE/dist/cli.cjs $c >/tmp/bfo-a.out 2>/tmp/bfo-a.err; a=$?
  node $NEW/dist/cli.cjs $c >/tmp/bfo-b.out 2>/tmp/bfo-b.err; b=$?
  if ! cmp -s /tmp/bfo-a.out /tmp/bfo-b.out || [ $a != $b ] || ! cmp -s /tmp/bfo-a.err /tmp/bfo-b.err; then bad=$((bad+1)); echo "DIFF ($a/$b): $c"; fi
  rcs="$rcs $a"
done
echo "$n command lines, $bad differ; exit codes:$rcs"
