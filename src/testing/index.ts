/**
 * `tagwall/testing`: fast-check arbitraries and properties for users' own test suites (fast-check is a peer
 * dependency). See docs/testing.md for a worked example.
 */
export {
  address,
  addressSet,
  cidr,
  DEFAULT_TAGS,
  hostPattern,
  hostSet,
  ipv4Address,
  ipv6Address,
  packet,
  packetSet,
  pathSet,
  port,
  portSet,
  protocolSet,
  requirement,
  requirementSet,
  ruleSet,
  type PacketOptions,
  type RequirementOptions,
  type RuleSetOptions,
} from './arbitraries.js';
export {
  assertEquivalent,
  describeContractFailure,
  describeDifference,
  equivalentProperty,
  translatorContractProperty,
} from './properties.js';
