import { expect } from 'vitest';

/** What every tagwall set type offers: IntervalSet, AddressSet, PortSet, ProtocolSet, HostSet, PacketSet. */
export interface SetAlgebra<T> {
  union(other: T): T;
  intersection(other: T): T;
  difference(other: T): T;
  complement(): T;
  equals(other: T): boolean;
  isSubsetOf(other: T): boolean;
  overlaps(other: T): boolean;
  isEmpty(): boolean;
}

/**
 * The laws of a Boolean algebra on three members, each assertion named so a failure says which law broke.
 * Every set type runs this from its own property test with its own generators; what the laws rest on
 * (`equals` being real set equality) each test checks separately against membership.
 */
export function expectBooleanAlgebra<T extends SetAlgebra<T>>(a: T, b: T, c: T): void {
  const same = (x: T, y: T, law: string): void => expect(x.equals(y), law).toBe(true);
  same(a.union(b), b.union(a), 'a ∪ b = b ∪ a');
  same(a.intersection(b), b.intersection(a), 'a ∩ b = b ∩ a');
  same(a.union(b).union(c), a.union(b.union(c)), '(a ∪ b) ∪ c = a ∪ (b ∪ c)');
  same(a.intersection(b).intersection(c), a.intersection(b.intersection(c)), '(a ∩ b) ∩ c = a ∩ (b ∩ c)');
  same(a.intersection(b.union(c)), a.intersection(b).union(a.intersection(c)), 'a ∩ (b ∪ c) = (a ∩ b) ∪ (a ∩ c)');
  same(a.union(b.intersection(c)), a.union(b).intersection(a.union(c)), 'a ∪ (b ∩ c) = (a ∪ b) ∩ (a ∪ c)');
  same(a.union(b).complement(), a.complement().intersection(b.complement()), '¬(a ∪ b) = ¬a ∩ ¬b');
  same(a.intersection(b).complement(), a.complement().union(b.complement()), '¬(a ∩ b) = ¬a ∪ ¬b');
  same(a.complement().complement(), a, '¬¬a = a');
  same(a.union(a.intersection(b)), a, 'a ∪ (a ∩ b) = a');
  same(a.difference(b), a.intersection(b.complement()), 'a − b = a ∩ ¬b');
  expect(a.intersection(a.complement()).isEmpty(), 'a ∩ ¬a = ∅').toBe(true);
  expect(a.difference(b).isSubsetOf(a), 'a − b ⊆ a').toBe(true);
  expect(a.difference(b).intersection(b).isEmpty(), '(a − b) ∩ b = ∅').toBe(true);
  expect(a.isSubsetOf(b), 'a ⊆ b ⇔ a ∪ b = b').toBe(a.union(b).equals(b));
  expect(a.overlaps(b), 'a overlaps b ⇔ a ∩ b ≠ ∅').toBe(!a.intersection(b).isEmpty());
}
