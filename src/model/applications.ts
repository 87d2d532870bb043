/**
 * The application dimension of a packet (DESIGN.md: "the PAN-OS application (App-ID)"): what a device that
 * identifies applications calls the flow (`ssh`, `dns`, `ssl`). A packet without one stands for "an application
 * no rule names" (the text form leaves `app=` out). Targets that do not identify applications match any.
 *
 * A set is a finite list of names, or everything but a finite list (which holds the packets without a name):
 * closed under ∪ ∩ −, with an exact emptiness test and a witness.
 */
export class ApplicationSet {
  private constructor(
    /** true: every application except `names` (and packets without one); false: exactly `names`. */
    readonly negated: boolean,
    /** Sorted, unique, lower case. */
    readonly names: readonly string[],
  ) {}

  static readonly ANY = new ApplicationSet(true, []);
  static readonly EMPTY = new ApplicationSet(false, []);

  static of(...names: readonly string[]): ApplicationSet {
    return new ApplicationSet(false, normalize(names));
  }

  /** Is the application of a packet (undefined: none named) in the set? */
  has(application: string | undefined): boolean {
    if (application === undefined) return this.negated;
    return this.names.includes(application.toLowerCase()) !== this.negated;
  }

  isEmpty(): boolean {
    return !this.negated && this.names.length === 0;
  }

  isAny(): boolean {
    return this.negated && this.names.length === 0;
  }

  complement(): ApplicationSet {
    return new ApplicationSet(!this.negated, this.names);
  }

  union(other: ApplicationSet): ApplicationSet {
    if (!this.negated && !other.negated) return new ApplicationSet(false, normalize([...this.names, ...other.names]));
    if (this.negated && other.negated) return new ApplicationSet(true, this.names.filter((name) => other.names.includes(name)));
    const [positive, negative] = this.negated ? [other, this] : [this, other];
    return new ApplicationSet(true, negative.names.filter((name) => !positive.names.includes(name)));
  }

  intersection(other: ApplicationSet): ApplicationSet {
    // Every box of a target that names no application holds ANY: a first-match walk intersects it with ANY for each
    // pair of boxes it meets, and the general form built five sets to give it back (a tenth of a 10k-rule walk's garbage).
    if (this.isAny()) return other;
    if (other.isAny()) return this;
    return this.complement().union(other.complement()).complement();
  }

  difference(other: ApplicationSet): ApplicationSet {
    return this.intersection(other.complement());
  }

  overlaps(other: ApplicationSet): boolean {
    return !this.intersection(other).isEmpty();
  }

  equals(other: ApplicationSet): boolean {
    return this.negated === other.negated && this.names.length === other.names.length && this.names.every((name, index) => name === other.names[index]);
  }

  /** A stable text key (box merging). */
  key(): string {
    return `${this.negated ? '!' : ''}${this.names.join(',')}`;
  }

  /** A member: no application when the set holds that (the plainest packet), else its first name. */
  witness(): string | undefined {
    return this.negated ? undefined : this.names[0];
  }

  toString(): string {
    if (this.isAny()) return 'any';
    return this.negated ? `not ${this.names.join(',')}` : this.names.join(',');
  }
}

function normalize(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.toLowerCase()))].sort();
}
