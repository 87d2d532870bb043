;; A list of addresses read in WebAssembly (issue 22): the fast path of AddressSet.fromStrings for a long list of
;; plain entries (an nft set's elements, an ipset, a prefix array). In a cold process the JavaScript parsers run in
;; V8's interpreter and baseline tiers: ~1.3 us an entry, ~5 ms of the 3,800 elements of a rendered nft file, in
;; every analysis command that reads one. WebAssembly is compiled before it first runs.
;;
;; The list is the entries joined by ',' (cidr-list.ts), or a text whose entries are separated by runs of ',' and
;; white space (an nft element list, $spaced). Each entry is one of
;;   IPv4: a.b.c.d   a.b.c.d/len   a.b.c.d-e.f.g.h      (octets 0-255 in 1-3 digits, no leading zero)
;;   IPv6: hex groups of 1-4 digits with at most one '::' (no IPv4 tail, no zone), bare, /len or first-last
;; with a length of 1-3 digits and no leading zero, in range, and (unless $normalize) no host bits set; a range's
;; first no greater than its last. Anything else (spaces, an empty entry, a leading zero, host bits, a byte outside
;; printable ASCII) returns -1 and the JavaScript parses the whole list as before, which finds and words every
;; error: what this takes, the JavaScript takes the same way (address-set.ts parseEntryInto, readPlainIPv4Cidr,
;; readPlainIPv6Cidr), and cidr-list.test.ts checks the two agree on generated lists and one-byte changes of them.
;;
;; It also writes lists: `lines` is CidrBlocks.lines (cidr-text.ts) for a long list, the networks and prefix
;; lengths of a set's minimal CIDR cover as the text of nft element lines and ipset adds (RFC 5952 for IPv6, as
;; formatIPv6), where the JavaScript, cold, formatted each block in the interpreter.
;;
;; Memory, laid out by cidr-list.ts:
;;   0     the IPv4 and IPv6 entry counts of the last list (two i32)
;;   16    the eight groups of the IPv6 address being read or written (eight i32)
;;   64    each ASCII byte's value as a hex digit, 0xff for one that is not
;;   192   the hex digits, lower case
;;   1024  the list's text, then zero bytes; then each family's columns of low and high bounds, where cidr-list.ts
;;         says (IPv4 one word an entry, IPv6 four, most significant first, as AddressEntries keeps them).
;;
;; Built into cidr-list-wasm.ts by `npm run wasm` (scripts/build-wasm.ts); a test checks that file is this one.
(module
  (memory (export "memory") 1)
  (data (i32.const 64)
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\00\01\02\03\04\05\06\07\08\09\ff\ff\ff\ff\ff\ff"
    "\ff\0a\0b\0c\0d\0e\0f\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\0a\0b\0c\0d\0e\0f\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")

  (data (i32.const 192) "0123456789abcdef")

  ;; The value of the last IPv4 address $ipv4 read.
  (global $v4 (mut i32) (i32.const 0))
  ;; The words of the last IPv6 address $ipv6 read, most significant first.
  (global $w0 (mut i32) (i32.const 0))
  (global $w1 (mut i32) (i32.const 0))
  (global $w2 (mut i32) (i32.const 0))
  (global $w3 (mut i32) (i32.const 0))

  ;; The list at [$start, $end): each entry's bounds appended to its family's columns ($v4lo/$v4hi one word an
  ;; entry, $v6lo/$v6hi four), the counts stored at 0 and 4; returns the number of entries, or -1 for a list the
  ;; JavaScript should read. $normalize (0 or 1): mask host bits off instead of refusing the list. $spaced (0 or
  ;; 1): entries are separated by runs of ',', ' ', '\t', '\r', '\n', which may also lead and trail (an empty
  ;; text has no entries); else by one ',' each, and every entry has text.
  (func (export "list") (param $start i32) (param $end i32) (param $normalize i32) (param $spaced i32)
      (param $v4lo i32) (param $v4hi i32) (param $v6lo i32) (param $v6hi i32) (result i32)
    (local $p i32) (local $c i32) (local $n4 i32) (local $n6 i32) (local $lo i32) (local $hi i32) (local $len i32)
    (local $mask i32) (local $k i32) (local $word i32) (local $m i32) (local $at i32)
    (local $l0 i32) (local $l1 i32) (local $l2 i32) (local $l3 i32)
    (global.set $spaces (local.get $spaced))
    (local.set $p (local.get $start))
    (if (local.get $spaced)
      (then
        (local.set $p (call $separators (local.get $p) (local.get $end)))
        (if (i32.ge_u (local.get $p) (local.get $end))
          (then (i32.store (i32.const 0) (i32.const 0)) (i32.store (i32.const 4) (i32.const 0)) (return (i32.const 0))))))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
    (loop $entry
      ;; The family by the first separator, as sniffFamily decides: a ':' before any '.' is IPv6.
      (local.set $k (local.get $p))
      (block $sniffed
        (loop $scan
          (local.set $c (i32.load8_u (local.get $k)))
          (br_if $sniffed (i32.eq (local.get $c) (i32.const 0x3a)))
          (br_if $sniffed (i32.eq (local.get $c) (i32.const 0x2e)))
          (br_if $sniffed (call $isSeparator (local.get $c)))
          (br_if $sniffed (i32.ge_u (local.get $k) (local.get $end)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $scan)))
      (if (i32.eq (local.get $c) (i32.const 0x2e))
        (then
          ;; IPv4
          (local.set $p (call $ipv4 (local.get $p)))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
          (local.set $lo (global.get $v4))
          (local.set $hi (local.get $lo))
          (local.set $c (i32.load8_u (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 0x2f))
            (then
              ;; /len: one or two digits, no leading zero, at most 32
              (local.set $len (call $length (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
              (if (i32.or (i32.lt_s (local.get $len) (i32.const 0)) (i32.gt_u (local.get $len) (i32.const 32)))
                (then (return (i32.const -1))))
              (local.set $p (global.get $after))
              (local.set $mask
                (if (result i32) (i32.eqz (local.get $len))
                  (then (i32.const 0))
                  (else (i32.shl (i32.const -1) (i32.sub (i32.const 32) (local.get $len))))))
              (if (i32.and (local.get $lo) (i32.xor (local.get $mask) (i32.const -1)))
                (then (if (i32.eqz (local.get $normalize)) (then (return (i32.const -1))))))
              (local.set $lo (i32.and (local.get $lo) (local.get $mask)))
              (local.set $hi (i32.or (local.get $lo) (i32.xor (local.get $mask) (i32.const -1)))))
            (else
              (if (i32.eq (local.get $c) (i32.const 0x2d))
                (then
                  ;; first-last: the last an IPv4 address no lower than the first
                  (local.set $p (call $ipv4 (i32.add (local.get $p) (i32.const 1))))
                  (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
                  (local.set $hi (global.get $v4))
                  (if (i32.gt_u (local.get $lo) (local.get $hi)) (then (return (i32.const -1))))))))
          (i32.store (i32.add (local.get $v4lo) (i32.shl (local.get $n4) (i32.const 2))) (local.get $lo))
          (i32.store (i32.add (local.get $v4hi) (i32.shl (local.get $n4) (i32.const 2))) (local.get $hi))
          (local.set $n4 (i32.add (local.get $n4) (i32.const 1))))
        (else
          (if (i32.ne (local.get $c) (i32.const 0x3a)) (then (return (i32.const -1))))
          ;; IPv6
          (local.set $p (call $ipv6 (local.get $p) (local.get $end)))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
          (local.set $l0 (global.get $w0))
          (local.set $l1 (global.get $w1))
          (local.set $l2 (global.get $w2))
          (local.set $l3 (global.get $w3))
          (local.set $at (i32.add (local.get $v6hi) (i32.shl (local.get $n6) (i32.const 4))))
          (local.set $c (i32.load8_u (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 0x2f))
            (then
              ;; /len: one to three digits, no leading zero, at most 128; each word masked by its part of it
              (local.set $len (call $length (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
              (if (i32.or (i32.lt_s (local.get $len) (i32.const 0)) (i32.gt_u (local.get $len) (i32.const 128)))
                (then (return (i32.const -1))))
              (local.set $p (global.get $after))
              (local.set $k (i32.const 0))
              (loop $word
                (local.set $word
                  (if (result i32) (i32.eqz (local.get $k)) (then (local.get $l0))
                    (else (if (result i32) (i32.eq (local.get $k) (i32.const 1)) (then (local.get $l1))
                      (else (if (result i32) (i32.eq (local.get $k) (i32.const 2)) (then (local.get $l2))
                        (else (local.get $l3))))))))
                ;; the prefix's bits in this word: len - 32k, clamped to 0..32
                (local.set $m (i32.sub (local.get $len) (i32.shl (local.get $k) (i32.const 5))))
                (local.set $mask
                  (if (result i32) (i32.ge_s (local.get $m) (i32.const 32)) (then (i32.const -1))
                    (else (if (result i32) (i32.le_s (local.get $m) (i32.const 0)) (then (i32.const 0))
                      (else (i32.shl (i32.const -1) (i32.sub (i32.const 32) (local.get $m))))))))
                (if (i32.and (local.get $word) (i32.xor (local.get $mask) (i32.const -1)))
                  (then (if (i32.eqz (local.get $normalize)) (then (return (i32.const -1))))))
                (local.set $word (i32.and (local.get $word) (local.get $mask)))
                (i32.store (i32.add (i32.add (local.get $v6lo) (i32.shl (local.get $n6) (i32.const 4))) (i32.shl (local.get $k) (i32.const 2)))
                  (local.get $word))
                (i32.store (i32.add (local.get $at) (i32.shl (local.get $k) (i32.const 2)))
                  (i32.or (local.get $word) (i32.xor (local.get $mask) (i32.const -1))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br_if $word (i32.lt_u (local.get $k) (i32.const 4)))))
            (else
              (call $store4 (i32.add (local.get $v6lo) (i32.shl (local.get $n6) (i32.const 4)))
                (local.get $l0) (local.get $l1) (local.get $l2) (local.get $l3))
              (if (i32.eq (local.get $c) (i32.const 0x2d))
                (then
                  ;; first-last: the last an IPv6 address no lower than the first
                  (local.set $p (call $ipv6 (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
                  (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
                  (if (call $above (local.get $l0) (local.get $l1) (local.get $l2) (local.get $l3)
                        (global.get $w0) (global.get $w1) (global.get $w2) (global.get $w3))
                    (then (return (i32.const -1))))
                  (call $store4 (local.get $at) (global.get $w0) (global.get $w1) (global.get $w2) (global.get $w3)))
                (else
                  (call $store4 (local.get $at) (local.get $l0) (local.get $l1) (local.get $l2) (local.get $l3))))))
          (local.set $n6 (i32.add (local.get $n6) (i32.const 1)))))
      ;; The entry ends at the end of the list or at the separator before the next (spaced: separators, maybe the
      ;; list's last; else one ',' and an entry after it).
      (if (i32.lt_u (local.get $p) (local.get $end))
        (then
          (if (local.get $spaced)
            (then
              (local.set $k (call $separators (local.get $p) (local.get $end)))
              (if (i32.eq (local.get $k) (local.get $p)) (then (return (i32.const -1))))
              (local.set $p (local.get $k))
              (br_if $entry (i32.lt_u (local.get $p) (local.get $end))))
            (else
              (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x2c)) (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
              (br $entry))))))
    (i32.store (i32.const 0) (local.get $n4))
    (i32.store (i32.const 4) (local.get $n6))
    (i32.add (local.get $n4) (local.get $n6)))

  ;; Where the last $length read stopped.
  (global $after (mut i32) (i32.const 0))
  ;; Whether white space separates entries too (the last list's $spaced).
  (global $spaces (mut i32) (i32.const 0))

  ;; Whether the byte $c separates entries: ',' always, white space in a spaced list.
  (func $isSeparator (param $c i32) (result i32)
    (if (i32.eq (local.get $c) (i32.const 0x2c)) (then (return (i32.const 1))))
    (if (i32.eqz (global.get $spaces)) (then (return (i32.const 0))))
    (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09)))
      (i32.or (i32.eq (local.get $c) (i32.const 0x0a)) (i32.eq (local.get $c) (i32.const 0x0d)))))

  ;; The position past the separators at $p.
  (func $separators (param $p i32) (param $end i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (br_if $done (i32.eqz (call $isSeparator (i32.load8_u (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; The prefix length from $p to the entry's end (',' or the list's end): one to three digits, no leading zero;
  ;; -1 for anything else. Sets $after to where it stopped.
  (func $length (param $p i32) (param $end i32) (result i32)
    (local $value i32) (local $digits i32) (local $c i32)
    (block $done
      (loop $digit
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (if (i32.and (i32.eq (local.get $digits) (i32.const 1)) (i32.eqz (local.get $value))) (then (return (i32.const -1))))
        (if (i32.eq (local.get $digits) (i32.const 3)) (then (return (i32.const -1))))
        (local.set $value (i32.add (i32.mul (local.get $value) (i32.const 10)) (local.get $c)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (if (i32.eqz (local.get $digits)) (then (return (i32.const -1))))
    (global.set $after (local.get $p))
    (local.get $value))

  ;; The IPv4 address at $p into $v4; returns the position after it, or -1. Octets of one to three digits, no
  ;; leading zero, at most 255 (scanIPv4 refuses the rest); a digit after the third is refused by the caller's
  ;; test of what follows.
  (func $ipv4 (param $p i32) (result i32)
    (local $value i32) (local $octets i32) (local $octet i32) (local $d i32)
    (loop $octet
      (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
      (if (i32.gt_u (local.get $d) (i32.const 9)) (then (return (i32.const -1))))
      (local.set $octet (local.get $d))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
      (if (i32.le_u (local.get $d) (i32.const 9))
        (then
          (if (i32.eqz (local.get $octet)) (then (return (i32.const -1))))
          (local.set $octet (i32.add (i32.mul (local.get $octet) (i32.const 10)) (local.get $d)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
          (if (i32.le_u (local.get $d) (i32.const 9))
            (then
              (local.set $octet (i32.add (i32.mul (local.get $octet) (i32.const 10)) (local.get $d)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (if (i32.gt_u (local.get $octet) (i32.const 255)) (then (return (i32.const -1))))))))
      (local.set $value (i32.or (i32.shl (local.get $value) (i32.const 8)) (local.get $octet)))
      (local.set $octets (i32.add (local.get $octets) (i32.const 1)))
      (if (i32.lt_u (local.get $octets) (i32.const 4))
        (then
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x2e)) (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $octet))))
    (global.set $v4 (local.get $value))
    (local.get $p))

  ;; The IPv6 address at $p into $w0..$w3; returns the position where it ends ('/', '-', ',' or the list's end),
  ;; or -1. As readPlainIPv6Cidr: groups of one to four hex digits, at most one '::', eight groups without it and
  ;; fewer with it; the caller tests what follows.
  (func $ipv6 (param $p i32) (param $end i32) (result i32)
    (local $count i32) (local $gapAt i32) (local $group i32) (local $digits i32) (local $digit i32) (local $c i32)
    (local $shift i32) (local $g i32) (local $value i32) (local $k i32)
    (local.set $gapAt (i32.const -1))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x3a))
      (then
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x3a)) (then (return (i32.const -1))))
        (local.set $gapAt (i32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))))
    (block $done
      (loop $group
        ;; Right after '::' the address may end.
        (if (i32.eq (local.get $gapAt) (local.get $count))
          (then (br_if $done (call $ends (local.get $p) (local.get $end)))))
        (local.set $group (i32.const 0))
        (local.set $digits (i32.const 0))
        (block $digitsRead
          (loop $digit
            (br_if $digitsRead (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $p)))
            (br_if $digitsRead (i32.ge_u (local.get $c) (i32.const 128)))
            (local.set $digit (i32.load8_u (i32.add (i32.const 64) (local.get $c))))
            (br_if $digitsRead (i32.eq (local.get $digit) (i32.const 0xff)))
            (local.set $group (i32.or (i32.shl (local.get $group) (i32.const 4)) (local.get $digit)))
            (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $digit)))
        (if (i32.or (i32.eqz (local.get $digits))
              (i32.or (i32.gt_u (local.get $digits) (i32.const 4)) (i32.eq (local.get $count) (i32.const 8))))
          (then (return (i32.const -1))))
        (i32.store (i32.add (i32.const 16) (i32.shl (local.get $count) (i32.const 2))) (local.get $group))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br_if $done (call $ends (local.get $p) (local.get $end)))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const -1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.and (i32.lt_u (local.get $p) (local.get $end)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x3a)))
          (then
            (if (i32.ge_s (local.get $gapAt) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $gapAt (local.get $count))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        ;; (after a single ':' a group must follow: the next turn refuses a group of no digits)
        (br $group)))
    (if (i32.lt_s (local.get $gapAt) (i32.const 0))
      (then (if (i32.ne (local.get $count) (i32.const 8)) (then (return (i32.const -1)))))
      (else (if (i32.eq (local.get $count) (i32.const 8)) (then (return (i32.const -1))))))
    ;; Group g: those before '::' in place, those after it moved to the end, zeros between.
    (local.set $shift (if (result i32) (i32.lt_s (local.get $gapAt) (i32.const 0)) (then (i32.const 0)) (else (i32.sub (i32.const 8) (local.get $count)))))
    (local.set $g (i32.const 0))
    (loop $place
      (local.set $value
        (if (result i32) (i32.or (i32.lt_s (local.get $gapAt) (i32.const 0)) (i32.lt_s (local.get $g) (local.get $gapAt)))
          (then (i32.load (i32.add (i32.const 16) (i32.shl (local.get $g) (i32.const 2)))))
          (else
            (if (result i32) (i32.lt_s (local.get $g) (i32.add (local.get $gapAt) (local.get $shift)))
              (then (i32.const 0))
              (else (i32.load (i32.add (i32.const 16) (i32.shl (i32.sub (local.get $g) (local.get $shift)) (i32.const 2)))))))))
      (local.set $k (i32.shr_u (local.get $g) (i32.const 1)))
      (if (i32.and (local.get $g) (i32.const 1))
        (then
          (if (i32.eqz (local.get $k)) (then (global.set $w0 (i32.or (global.get $w0) (local.get $value)))))
          (if (i32.eq (local.get $k) (i32.const 1)) (then (global.set $w1 (i32.or (global.get $w1) (local.get $value)))))
          (if (i32.eq (local.get $k) (i32.const 2)) (then (global.set $w2 (i32.or (global.get $w2) (local.get $value)))))
          (if (i32.eq (local.get $k) (i32.const 3)) (then (global.set $w3 (i32.or (global.get $w3) (local.get $value))))))
        (else
          (local.set $value (i32.shl (local.get $value) (i32.const 16)))
          (if (i32.eqz (local.get $k)) (then (global.set $w0 (local.get $value))))
          (if (i32.eq (local.get $k) (i32.const 1)) (then (global.set $w1 (local.get $value))))
          (if (i32.eq (local.get $k) (i32.const 2)) (then (global.set $w2 (local.get $value))))
          (if (i32.eq (local.get $k) (i32.const 3)) (then (global.set $w3 (local.get $value))))))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br_if $place (i32.lt_u (local.get $g) (i32.const 8))))
    (local.get $p))

  ;; Whether an IPv6 address ends at $p: the list's end, '/', '-' or a separator.
  (func $ends (param $p i32) (param $end i32) (result i32)
    (local $c i32)
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const 1))))
    (local.set $c (i32.load8_u (local.get $p)))
    (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x2f)) (i32.eq (local.get $c) (i32.const 0x2d)))
      (call $isSeparator (local.get $c))))

  ;; Whether the 128-bit value a0..a3 is above b0..b3 (most significant word first).
  (func $above (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32)
      (param $b0 i32) (param $b1 i32) (param $b2 i32) (param $b3 i32) (result i32)
    (if (i32.ne (local.get $a0) (local.get $b0)) (then (return (i32.gt_u (local.get $a0) (local.get $b0)))))
    (if (i32.ne (local.get $a1) (local.get $b1)) (then (return (i32.gt_u (local.get $a1) (local.get $b1)))))
    (if (i32.ne (local.get $a2) (local.get $b2)) (then (return (i32.gt_u (local.get $a2) (local.get $b2)))))
    (i32.gt_u (local.get $a3) (local.get $b3)))

  ;; Each family's columns in order of their low bounds, merged as IntervalSet.fromUnsorted merges them
  ;; (overlapping and adjacent intervals joined) into canonical bounds from $out: low then high, $width words
  ;; each; returns how many words, or -1 for columns out of order (the JavaScript sorts them).
  (func (export "merge") (param $lo i32) (param $hi i32) (param $count i32) (param $width i32) (param $out i32) (result i32)
    (local $i i32) (local $n i32) (local $a i64) (local $b i64) (local $al i64) (local $bl i64)
    (local $p i64) (local $pl i64) (local $h i64) (local $hl i64) (local $at i32)
    (if (i32.eq (local.get $width) (i32.const 1))
      (then
        (block $done
          (loop $entry
            (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $a (i64.load32_u (i32.add (local.get $lo) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $b (i64.load32_u (i32.add (local.get $hi) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i64.lt_u (local.get $a) (local.get $p)) (then (return (i32.const -1))))
            (local.set $p (local.get $a))
            (br_if $entry (i64.gt_u (local.get $a) (local.get $b)))
            (if (i32.gt_u (local.get $n) (i32.const 0))
              (then
                (local.set $at (i32.add (local.get $out) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 2))))
                (local.set $h (i64.load32_u (local.get $at)))
                ;; overlapping or adjacent to the last interval written: extend it
                (if (i64.le_u (local.get $a) (i64.add (local.get $h) (i64.const 1)))
                  (then
                    (if (i64.gt_u (local.get $b) (local.get $h)) (then (i64.store32 (local.get $at) (local.get $b))))
                    (br $entry)))))
            (i64.store32 (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $a))
            (i64.store32 (i32.add (local.get $out) (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 2))) (local.get $b))
            (local.set $n (i32.add (local.get $n) (i32.const 2)))
            (br $entry)))
        (return (local.get $n))))
    ;; Four words: each value as two 64-bit halves, most significant first.
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $at (i32.add (local.get $lo) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $a (call $high (local.get $at)))
        (local.set $al (call $high (i32.add (local.get $at) (i32.const 8))))
        (local.set $at (i32.add (local.get $hi) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $b (call $high (local.get $at)))
        (local.set $bl (call $high (i32.add (local.get $at) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.or (i64.lt_u (local.get $a) (local.get $p))
              (i32.and (i64.eq (local.get $a) (local.get $p)) (i64.lt_u (local.get $al) (local.get $pl))))
          (then (return (i32.const -1))))
        (local.set $p (local.get $a))
        (local.set $pl (local.get $al))
        (br_if $entry (i32.or (i64.gt_u (local.get $a) (local.get $b))
          (i32.and (i64.eq (local.get $a) (local.get $b)) (i64.gt_u (local.get $al) (local.get $bl)))))
        (if (i32.gt_u (local.get $n) (i32.const 0))
          (then
            (local.set $at (i32.add (local.get $out) (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2))))
            (local.set $h (call $high (local.get $at)))
            (local.set $hl (call $high (i32.add (local.get $at) (i32.const 8))))
            ;; overlapping (low at or below the last high) or adjacent (the last high plus one)
            (if (i32.or
                  (i32.or (i64.lt_u (local.get $a) (local.get $h))
                    (i32.and (i64.eq (local.get $a) (local.get $h)) (i64.le_u (local.get $al) (local.get $hl))))
                  (i32.and
                    (i64.eq (local.get $al) (i64.add (local.get $hl) (i64.const 1)))
                    (i64.eq (local.get $a)
                      (i64.add (local.get $h) (i64.extend_i32_u (i64.eq (local.get $hl) (i64.const -1)))))))
              (then
                (if (i32.or (i64.gt_u (local.get $b) (local.get $h))
                      (i32.and (i64.eq (local.get $b) (local.get $h)) (i64.gt_u (local.get $bl) (local.get $hl))))
                  (then (call $setHigh (local.get $at) (local.get $b)) (call $setHigh (i32.add (local.get $at) (i32.const 8)) (local.get $bl))))
                (br $entry)))))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
        (call $setHigh (local.get $at) (local.get $a))
        (call $setHigh (i32.add (local.get $at) (i32.const 8)) (local.get $al))
        (call $setHigh (i32.add (local.get $at) (i32.const 16)) (local.get $b))
        (call $setHigh (i32.add (local.get $at) (i32.const 24)) (local.get $bl))
        (local.set $n (i32.add (local.get $n) (i32.const 8)))
        (br $entry)))
    (local.get $n))

  ;; The two words at $at (most significant first) as one 64-bit value, and back.
  (func $high (param $at i32) (result i64)
    (i64.or (i64.shl (i64.load32_u (local.get $at)) (i64.const 32)) (i64.load32_u (i32.add (local.get $at) (i32.const 4)))))
  (func $setHigh (param $at i32) (param $value i64)
    (i64.store32 (local.get $at) (i64.shr_u (local.get $value) (i64.const 32)))
    (i64.store32 (i32.add (local.get $at) (i32.const 4)) (local.get $value)))

  ;; Blocks $from to $to (exclusive) of a CIDR list as text from $out, $perLine a line: each line the layout's
  ;; line start then its blocks joined by its `within`, lines joined by its `between`. The networks at $networks
  ;; ($width words a block, 1 or 4), the prefix lengths at $lengths (a byte each, indexed from $from); the layout at
  ;; $layout: line start, within, between, each a length byte and its bytes. Returns where the text ends.
  (func (export "lines") (param $networks i32) (param $lengths i32) (param $width i32) (param $from i32) (param $to i32)
      (param $perLine i32) (param $layout i32) (param $out i32) (result i32)
    (local $k i32) (local $inLine i32) (local $p i32) (local $within i32) (local $between i32)
    (local.set $within (i32.add (i32.add (local.get $layout) (i32.const 1)) (i32.load8_u (local.get $layout))))
    (local.set $between (i32.add (i32.add (local.get $within) (i32.const 1)) (i32.load8_u (local.get $within))))
    (local.set $p (local.get $out))
    (local.set $k (local.get $from))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $k) (local.get $to)))
        (if (i32.eqz (local.get $inLine))
          (then
            (if (i32.gt_u (local.get $k) (local.get $from)) (then (local.set $p (call $copy (local.get $p) (local.get $between)))))
            (local.set $p (call $copy (local.get $p) (local.get $layout))))
          (else (local.set $p (call $copy (local.get $p) (local.get $within)))))
        (local.set $inLine (i32.add (local.get $inLine) (i32.const 1)))
        (if (i32.eq (local.get $inLine) (local.get $perLine)) (then (local.set $inLine (i32.const 0))))
        (if (i32.eq (local.get $width) (i32.const 1))
          (then (local.set $p (call $ipv4Text (local.get $p) (i32.load (i32.add (local.get $networks) (i32.shl (i32.sub (local.get $k) (local.get $from)) (i32.const 2)))))))
          (else (local.set $p (call $ipv6Text (local.get $p) (i32.add (local.get $networks) (i32.shl (i32.sub (local.get $k) (local.get $from)) (i32.const 4)))))))
        (i32.store8 (local.get $p) (i32.const 0x2f))
        (local.set $p (call $decimal (i32.add (local.get $p) (i32.const 1))
          (i32.load8_u (i32.add (local.get $lengths) (i32.sub (local.get $k) (local.get $from))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $block)))
    (local.get $p))

  ;; The length-prefixed bytes at $text copied to $p; returns the position after them.
  (func $copy (param $p i32) (param $text i32) (result i32)
    (local $n i32)
    (local.set $n (i32.load8_u (local.get $text)))
    (memory.copy (local.get $p) (i32.add (local.get $text) (i32.const 1)) (local.get $n))
    (i32.add (local.get $p) (local.get $n)))

  ;; 0 <= $value <= 255 in decimal at $p; returns the position after it.
  (func $decimal (param $p i32) (param $value i32) (result i32)
    (if (i32.ge_u (local.get $value) (i32.const 100))
      (then
        (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $value) (i32.const 100))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ge_u (local.get $value) (i32.const 10))
      (then
        (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $value) (i32.const 10)) (i32.const 10))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $value) (i32.const 10))))
    (i32.add (local.get $p) (i32.const 1)))

  ;; The IPv4 address $value dotted at $p; returns the position after it.
  (func $ipv4Text (param $p i32) (param $value i32) (result i32)
    (local.set $p (call $decimal (local.get $p) (i32.shr_u (local.get $value) (i32.const 24))))
    (i32.store8 (local.get $p) (i32.const 0x2e))
    (local.set $p (call $decimal (i32.add (local.get $p) (i32.const 1)) (i32.and (i32.shr_u (local.get $value) (i32.const 16)) (i32.const 255))))
    (i32.store8 (local.get $p) (i32.const 0x2e))
    (local.set $p (call $decimal (i32.add (local.get $p) (i32.const 1)) (i32.and (i32.shr_u (local.get $value) (i32.const 8)) (i32.const 255))))
    (i32.store8 (local.get $p) (i32.const 0x2e))
    (call $decimal (i32.add (local.get $p) (i32.const 1)) (i32.and (local.get $value) (i32.const 255))))

  ;; The IPv6 address of the four words at $at as RFC 5952 writes it (formatIPv6: lower-case groups without leading
  ;; zeros, the first of the longest runs of two or more zero groups as '::'); returns the position after it.
  (func $ipv6Text (param $p i32) (param $at i32) (result i32)
    (local $i i32) (local $j i32) (local $g i32) (local $bestStart i32) (local $bestLength i32) (local $shift i32)
    ;; the eight groups at 16
    (loop $word
      (local.set $g (i32.load (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 2)))))
      (i32.store (i32.add (i32.const 16) (i32.shl (local.get $i) (i32.const 3))) (i32.shr_u (local.get $g) (i32.const 16)))
      (i32.store (i32.add (i32.const 20) (i32.shl (local.get $i) (i32.const 3))) (i32.and (local.get $g) (i32.const 0xffff)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $word (i32.lt_u (local.get $i) (i32.const 4))))
    ;; the zero run
    (local.set $bestStart (i32.const -1))
    (local.set $bestLength (i32.const 1))
    (local.set $i (i32.const 0))
    (block $found
      (loop $run
        (br_if $found (i32.ge_u (local.get $i) (i32.const 8)))
        (if (call $group (local.get $i))
          (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $run)))
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (block $end
          (loop $zeros
            (br_if $end (i32.ge_u (local.get $j) (i32.const 8)))
            (br_if $end (call $group (local.get $j)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $zeros)))
        (if (i32.gt_s (i32.sub (local.get $j) (local.get $i)) (local.get $bestLength))
          (then
            (local.set $bestStart (local.get $i))
            (local.set $bestLength (i32.sub (local.get $j) (local.get $i)))))
        (local.set $i (local.get $j))
        (br $run)))
    ;; the text
    (local.set $i (i32.const 0))
    (block $written
      (loop $each
        (br_if $written (i32.ge_u (local.get $i) (i32.const 8)))
        (if (i32.eq (local.get $i) (local.get $bestStart))
          (then
            (i32.store16 (local.get $p) (i32.const 0x3a3a))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (local.set $i (i32.add (local.get $i) (local.get $bestLength)))
            (br $each)))
        ;; a ':' before every group but the first and the one right after '::'
        (if (i32.and (i32.gt_u (local.get $i) (i32.const 0)) (i32.ne (local.get $i) (i32.add (local.get $bestStart) (local.get $bestLength))))
          (then (i32.store8 (local.get $p) (i32.const 0x3a)) (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (local.set $g (call $group (local.get $i)))
        (local.set $shift
          (if (result i32) (i32.gt_u (local.get $g) (i32.const 0xfff)) (then (i32.const 12))
            (else (if (result i32) (i32.gt_u (local.get $g) (i32.const 0xff)) (then (i32.const 8))
              (else (if (result i32) (i32.gt_u (local.get $g) (i32.const 0xf)) (then (i32.const 4)) (else (i32.const 0))))))))
        (loop $digit
          (i32.store8 (local.get $p) (i32.load8_u (i32.add (i32.const 192) (i32.and (i32.shr_u (local.get $g) (local.get $shift)) (i32.const 15)))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $shift (i32.sub (local.get $shift) (i32.const 4)))
          (br_if $digit (i32.ge_s (local.get $shift) (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $p))

  ;; Group $i (0-7) of the address $ipv6Text is writing.
  (func $group (param $i i32) (result i32)
    (i32.load (i32.add (i32.const 16) (i32.shl (local.get $i) (i32.const 2)))))

  ;; How many entries a spaced list at [$start, $end) holds at most: its runs of bytes between separators (so that
  ;; cidr-list.ts gives each family's columns room for that many, not for the most the text's length allows).
  (func (export "entries") (param $start i32) (param $end i32) (result i32)
    (local $p i32) (local $n i32) (local $inEntry i32) (local $separator i32)
    (global.set $spaces (i32.const 1))
    (local.set $p (local.get $start))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $separator (call $isSeparator (i32.load8_u (local.get $p))))
        (if (i32.and (i32.eqz (local.get $separator)) (i32.eqz (local.get $inEntry)))
          (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $inEntry (i32.eqz (local.get $separator)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
    (local.get $n))

  (func $store4 (param $at i32) (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32)
    (i32.store (local.get $at) (local.get $a0))
    (i32.store (i32.add (local.get $at) (i32.const 4)) (local.get $a1))
    (i32.store (i32.add (local.get $at) (i32.const 8)) (local.get $a2))
    (i32.store (i32.add (local.get $at) (i32.const 12)) (local.get $a3))))
