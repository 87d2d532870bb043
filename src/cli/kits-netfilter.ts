/** The netfilter target kits, one dynamic import for the family (target-kits.ts; see kits-azure.ts). */
export { iptablesTarget } from '../targets/netfilter/iptables/index.js';
export { nftablesTarget } from '../targets/netfilter/nftables/index.js';
