// The public surface of tagwall. Re-exports only.
export { TagwallError, isTagwallError, formatLocation, type ErrorCode, type SourceLocation } from './errors.js';
export { IntervalSet, type IntervalDomain, type Width } from './model/intervals.js';
export { AddressSet, FAMILIES, type AddressParseOptions } from './model/address-set.js';
export { IPV4, IPV6, formatCidr, parseAddress, type CidrBlock, type Family } from './model/ip.js';
export {
  PortSet,
  ProtocolSet,
  PORT_DOMAIN,
  PROTOCOL_DOMAIN,
  PROTOCOL_NUMBERS,
  protocolName,
  TCP,
  UDP,
  ICMP,
  ICMPV6,
} from './model/ports.js';
