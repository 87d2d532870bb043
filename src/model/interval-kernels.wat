;; IntervalSet's union, intersection and difference of long sets in WebAssembly (issue 22). A cold command runs
;; these merges in V8's interpreter and baseline tiers, where every element load of a Uint32Array is a call: ~25-45
;; ns a word, ~3 ms of a cold `check` and ~7 ms of a cold `path` on the scenario's tags. WebAssembly is compiled
;; before it first runs. interval-kernels.ts copies both sets in, calls one of these, and copies the result out.
;;
;; A set is its canonical bounds as IntervalSet keeps them: intervals [lo, hi] (inclusive), sorted, disjoint and
;; never adjacent; a value is one word (IPv4, ports: `1` functions) or four words, most significant first (IPv6:
;; `4` functions). Each function takes its two sets at byte offsets $pa and $pb with their lengths in words, writes
;; the canonical result at $po and returns its length in words. The result never has more than $na + $nb words:
;; a union or an intersection has at most as many intervals as the two sets, and each interval of b splits at most
;; one of a's in two.
;;
;; Four-word values are read as two i64 halves, each the rotation of a little-endian load (the first word of the
;; half becomes its upper 32 bits), so a value compares as (high, low) pairs of unsigned 64-bit numbers.
;;
;; It also tells whether two long sets share a value (`overlaps1`, `overlaps4`, for IntervalSet.overlaps: the address
;; tests of flow and rule boxes, which read two tags that do not meet to the end of one of them), writes a long
;; set's CIDR blocks (`blocks1`, `blocks4`, for cidr-text.ts CidrBlocks.of: the blocks a render writes), counts the
;; CIDR blocks of a long set (`cidrs1`, `cidrs4`, for ip.ts cidrBlocksOf: the "…(34,557 items)" of a check's
;; answer), and checks bounds read from a stored snapshot file (`problem1`, `problem4`, for
;; IntervalSet.fromCanonicalBounds): every tag a command uses is checked canonical as it is read, and the JavaScript
;; check ran interpreted too.
;;
;; Built into interval-kernels-wasm.ts by `npm run wasm` (scripts/build-wasm.ts); a test checks that file is this one.
(module
  (memory (export "memory") 1)

  ;; ─── one word a value ───────────────────────────────────────────────────────────────────────────────────────

  ;; a ∪ b: the next interval by lo (a's on a tie) extends the last one written when it meets or touches it.
  (func (export "union1") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $po i32) (result i32)
    (local $ea i32) (local $eb i32) (local $o i32) (local $lo i32) (local $hi i32) (local $last i32)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (local.set $o (local.get $po))
    (block $done
      (loop $next
        (if (i32.and
              (i32.lt_u (local.get $pa) (local.get $ea))
              (i32.or (i32.ge_u (local.get $pb) (local.get $eb)) (i32.le_u (i32.load (local.get $pa)) (i32.load (local.get $pb)))))
          (then
            (local.set $lo (i32.load (local.get $pa)))
            (local.set $hi (i32.load offset=4 (local.get $pa)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8))))
          (else
            (br_if $done (i32.ge_u (local.get $pb) (local.get $eb)))
            (local.set $lo (i32.load (local.get $pb)))
            (local.set $hi (i32.load offset=4 (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))))
        ;; lo <= last + 1, without overflow: lo is 0, or lo - 1 <= last.
        (if (i32.and
              (i32.gt_u (local.get $o) (local.get $po))
              (i32.or (i32.eqz (local.get $lo)) (i32.le_u (i32.sub (local.get $lo) (i32.const 1)) (local.get $last))))
          (then
            (if (i32.gt_u (local.get $hi) (local.get $last))
              (then
                (local.set $last (local.get $hi))
                (i32.store (i32.sub (local.get $o) (i32.const 4)) (local.get $hi)))))
          (else
            (i32.store (local.get $o) (local.get $lo))
            (i32.store offset=4 (local.get $o) (local.get $hi))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $last (local.get $hi))))
        (br $next)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $po)) (i32.const 2)))

  ;; a ∩ b: the overlap of the two current intervals, then past the one that ends first (a's on a tie).
  (func (export "intersection1") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $po i32) (result i32)
    (local $ea i32) (local $eb i32) (local $o i32) (local $lo i32) (local $ahi i32) (local $bhi i32)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (local.set $o (local.get $po))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pa) (local.get $ea)))
        (br_if $done (i32.ge_u (local.get $pb) (local.get $eb)))
        (local.set $lo (select (i32.load (local.get $pa)) (i32.load (local.get $pb))
          (i32.ge_u (i32.load (local.get $pa)) (i32.load (local.get $pb)))))
        (local.set $ahi (i32.load offset=4 (local.get $pa)))
        (local.set $bhi (i32.load offset=4 (local.get $pb)))
        (if (i32.le_u (local.get $ahi) (local.get $bhi))
          (then
            (if (i32.le_u (local.get $lo) (local.get $ahi))
              (then
                (i32.store (local.get $o) (local.get $lo))
                (i32.store offset=4 (local.get $o) (local.get $ahi))
                (local.set $o (i32.add (local.get $o) (i32.const 8)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8))))
          (else
            (if (i32.le_u (local.get $lo) (local.get $bhi))
              (then
                (i32.store (local.get $o) (local.get $lo))
                (i32.store offset=4 (local.get $o) (local.get $bhi))
                (local.set $o (i32.add (local.get $o) (i32.const 8)))))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))))
        (br $next)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $po)) (i32.const 2)))

  ;; a − b: each interval of a, from its lo, is cut by the intervals of b that reach into it; b's cursor stays on an
  ;; interval that covers the rest of a's, as it may reach into a's next one.
  (func (export "difference1") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $po i32) (result i32)
    (local $ea i32) (local $eb i32) (local $o i32) (local $from i32) (local $hi i32) (local $cut i32) (local $rest i32)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (local.set $o (local.get $po))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $pa) (local.get $ea)))
        (local.set $from (i32.load (local.get $pa)))
        (local.set $hi (i32.load offset=4 (local.get $pa)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        ;; Past b's intervals that end before this one starts.
        (block $reached
          (loop $skip
            (br_if $reached (i32.ge_u (local.get $pb) (local.get $eb)))
            (br_if $reached (i32.ge_u (i32.load offset=4 (local.get $pb)) (local.get $from)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
            (br $skip)))
        (local.set $rest (i32.const 1))
        (block $cuts
          (loop $cut
            (br_if $cuts (i32.ge_u (local.get $pb) (local.get $eb)))
            (local.set $cut (i32.load (local.get $pb)))
            (br_if $cuts (i32.gt_u (local.get $cut) (local.get $hi)))
            (if (i32.gt_u (local.get $cut) (local.get $from))
              (then
                (i32.store (local.get $o) (local.get $from))
                (i32.store offset=4 (local.get $o) (i32.sub (local.get $cut) (i32.const 1)))
                (local.set $o (i32.add (local.get $o) (i32.const 8)))))
            (local.set $cut (i32.load offset=4 (local.get $pb)))
            (if (i32.ge_u (local.get $cut) (local.get $hi))
              (then
                (local.set $rest (i32.const 0))
                (br $cuts)))
            (local.set $from (i32.add (local.get $cut) (i32.const 1)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
            (br $cut)))
        (if (local.get $rest)
          (then
            (i32.store (local.get $o) (local.get $from))
            (i32.store offset=4 (local.get $o) (local.get $hi))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (br $each)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $po)) (i32.const 2)))

  ;; Do a and b share a value? 1 if so, else 0. Intervals that part (one ends below the other's lo) step past the one
  ;; that ends first: no later interval of the other set reaches back to it. The first pair that does not part meets.
  (func (export "overlaps1") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (result i32)
    (local $ea i32) (local $eb i32)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (block $apart
      (loop $next
        (br_if $apart (i32.ge_u (local.get $pa) (local.get $ea)))
        (br_if $apart (i32.ge_u (local.get $pb) (local.get $eb)))
        (if (i32.lt_u (i32.load offset=4 (local.get $pa)) (i32.load (local.get $pb)))
          (then
            (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
            (br $next)))
        (if (i32.lt_u (i32.load offset=4 (local.get $pb)) (i32.load (local.get $pa)))
          (then
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
            (br $next)))
        (return (i32.const 1))))
    (i32.const 0))

  ;; Are the $n words at $p canonical bounds? 0 when they are; 1 at the first interval whose lo is above its hi; 2 at
  ;; the first that does not start past the previous interval's hi + 1 (they overlap, touch or are out of order).
  (func (export "problem1") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $first i32) (local $lo i32) (local $hi i32) (local $last i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $first (local.get $p))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $lo (i32.load (local.get $p)))
        (local.set $hi (i32.load offset=4 (local.get $p)))
        (if (i32.gt_u (local.get $lo) (local.get $hi)) (then (return (i32.const 1))))
        ;; Not the first interval, and lo <= previous hi + 1 (lo is 0, or lo - 1 <= previous hi).
        (if (i32.gt_u (local.get $p) (local.get $first))
          (then
            (if (i32.or (i32.eqz (local.get $lo)) (i32.le_u (i32.sub (local.get $lo) (i32.const 1)) (local.get $last)))
              (then (return (i32.const 2))))))
        (local.set $last (local.get $hi))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next)))
    (i32.const 0))

  ;; The number of CIDR blocks of the intervals of the $n words at $p (ip.ts cidrCountOf, summed): split each interval
  ;; at m, the highest bit where lo and hi differ; r and s are lo's and hi's bits below m. One block when r is 0 and
  ;; s all ones; else the left part's m - (popcount(r) + ctz(r) - 1) blocks (1 when r is 0), and the right part's
  ;; popcount(s) - ctz(~s) + 1 (s's trailing ones; bit m of ~s is set, so ctz(~s) <= m). lo = hi is one block.
  (func (export "cidrs1") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $count i32) (local $lo i32) (local $hi i32) (local $m i32) (local $mask i32) (local $r i32) (local $s i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $lo (i32.load (local.get $p)))
        (local.set $hi (i32.load offset=4 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (if (i32.eq (local.get $lo) (local.get $hi))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $next)))
        (local.set $m (i32.sub (i32.const 31) (i32.clz (i32.xor (local.get $lo) (local.get $hi)))))
        (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $m)) (i32.const 1)))
        (local.set $r (i32.and (local.get $lo) (local.get $mask)))
        (local.set $s (i32.and (local.get $hi) (local.get $mask)))
        (if (i32.and (i32.eqz (local.get $r)) (i32.eq (local.get $s) (local.get $mask)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $next)))
        (local.set $count (i32.add (local.get $count)
          (i32.add
            (select (i32.const 1)
              (i32.sub (local.get $m) (i32.sub (i32.add (i32.popcnt (local.get $r)) (i32.ctz (local.get $r))) (i32.const 1)))
              (i32.eqz (local.get $r)))
            (i32.add (i32.sub (i32.popcnt (local.get $s)) (i32.ctz (i32.xor (local.get $s) (i32.const -1)))) (i32.const 1)))))
        (br $next)))
    (local.get $count))

  ;; The minimal CIDR cover of the intervals of the $n words at $p (cidr-text.ts CidrBlocks.of for IPv4), each block's
  ;; network a word at $pn and its prefix length a byte at $pl, in order; returns how many (cidrs1 counts them first,
  ;; so the caller can make room). The walk is ofIPv4's: from cur, the largest block of at most hi - cur + 1
  ;; addresses aligned to cur's trailing zero bits (32 for cur 0), then cur moves past it, until it passes hi. In
  ;; 64 bits, so neither the span of the whole range (2^32) nor the step past 255.255.255.255 overflows.
  (func (export "blocks1") (param $p i32) (param $n i32) (param $pn i32) (param $pl i32) (result i32)
    (local $end i32) (local $count i32) (local $cur i64) (local $hi i64) (local $size i64) (local $align i64) (local $bits i64)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $cur (i64.extend_i32_u (i32.load (local.get $p))))
        (local.set $hi (i64.extend_i32_u (i32.load offset=4 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (loop $walk
          ;; floor(log2(hi - cur + 1)): the span is 1 to 2^32.
          (local.set $size (i64.sub (i64.const 63) (i64.clz (i64.add (i64.sub (local.get $hi) (local.get $cur)) (i64.const 1)))))
          (local.set $align (select (i64.const 32) (i64.ctz (local.get $cur)) (i64.eqz (local.get $cur))))
          (local.set $bits (select (local.get $size) (local.get $align) (i64.lt_u (local.get $size) (local.get $align))))
          (i32.store (i32.add (local.get $pn) (i32.shl (local.get $count) (i32.const 2))) (i32.wrap_i64 (local.get $cur)))
          (i32.store8 (i32.add (local.get $pl) (local.get $count)) (i32.sub (i32.const 32) (i32.wrap_i64 (local.get $bits))))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $cur (i64.add (local.get $cur) (i64.shl (i64.const 1) (local.get $bits))))
          (br_if $walk (i64.le_u (local.get $cur) (local.get $hi))))
        (br $next)))
    (local.get $count))

  ;; ─── four words a value ─────────────────────────────────────────────────────────────────────────────────────

  ;; The upper or lower half of the four-word value at $p ($p + 8 for the lower), most significant word first.
  (func $half (param $p i32) (result i64)
    (i64.rotl (i64.load (local.get $p)) (i64.const 32)))

  (func $store (param $p i32) (param $high i64) (param $low i64)
    (i64.store (local.get $p) (i64.rotl (local.get $high) (i64.const 32)))
    (i64.store offset=8 (local.get $p) (i64.rotl (local.get $low) (i64.const 32))))

  ;; (ah, al) <= (bh, bl), unsigned.
  (func $le (param $ah i64) (param $al i64) (param $bh i64) (param $bl i64) (result i32)
    (if (result i32) (i64.ne (local.get $ah) (local.get $bh))
      (then (i64.lt_u (local.get $ah) (local.get $bh)))
      (else (i64.le_u (local.get $al) (local.get $bl)))))

  ;; The value at $p is at most the one at $q.
  (func $atMost (param $p i32) (param $q i32) (result i32)
    (call $le
      (call $half (local.get $p)) (call $half (i32.add (local.get $p) (i32.const 8)))
      (call $half (local.get $q)) (call $half (i32.add (local.get $q) (i32.const 8)))))

  (func (export "union4") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $po i32) (result i32)
    (local $ea i32) (local $eb i32) (local $o i32) (local $src i32)
    (local $lh i64) (local $ll i64) (local $uh i64) (local $ul i64) (local $hh i64) (local $hl i64)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (local.set $o (local.get $po))
    (block $done
      (loop $next
        ;; The next interval by lo, a's on a tie.
        (if (i32.lt_u (local.get $pa) (local.get $ea))
          (then
            (if (i32.ge_u (local.get $pb) (local.get $eb))
              (then (local.set $src (local.get $pa)))
              (else (local.set $src (select (local.get $pa) (local.get $pb) (call $atMost (local.get $pa) (local.get $pb)))))))
          (else
            (br_if $done (i32.ge_u (local.get $pb) (local.get $eb)))
            (local.set $src (local.get $pb))))
        (if (i32.eq (local.get $src) (local.get $pa))
          (then (local.set $pa (i32.add (local.get $pa) (i32.const 32))))
          (else (local.set $pb (i32.add (local.get $pb) (i32.const 32)))))
        (local.set $lh (call $half (local.get $src)))
        (local.set $ll (call $half (i32.add (local.get $src) (i32.const 8))))
        (local.set $uh (call $half (i32.add (local.get $src) (i32.const 16))))
        (local.set $ul (call $half (i32.add (local.get $src) (i32.const 24))))
        ;; Meets or touches the last interval written: lo <= last + 1, i.e. lo <= last, or lo is last + 1.
        (if (i32.and
              (i32.gt_u (local.get $o) (local.get $po))
              (i32.or
                (call $le (local.get $lh) (local.get $ll) (local.get $hh) (local.get $hl))
                (i32.and
                  (i64.eq (local.get $ll) (i64.add (local.get $hl) (i64.const 1)))
                  (i64.eq (local.get $lh) (i64.add (local.get $hh) (i64.extend_i32_u (i64.eq (local.get $hl) (i64.const -1))))))))
          (then
            (if (i32.eqz (call $le (local.get $uh) (local.get $ul) (local.get $hh) (local.get $hl)))
              (then
                (local.set $hh (local.get $uh))
                (local.set $hl (local.get $ul))
                (call $store (i32.sub (local.get $o) (i32.const 16)) (local.get $uh) (local.get $ul)))))
          (else
            (call $store (local.get $o) (local.get $lh) (local.get $ll))
            (call $store (i32.add (local.get $o) (i32.const 16)) (local.get $uh) (local.get $ul))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (local.set $hh (local.get $uh))
            (local.set $hl (local.get $ul))))
        (br $next)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $po)) (i32.const 2)))

  (func (export "intersection4") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $po i32) (result i32)
    (local $ea i32) (local $eb i32) (local $o i32) (local $lo i32) (local $hi i32) (local $aEnds i32)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (local.set $o (local.get $po))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pa) (local.get $ea)))
        (br_if $done (i32.ge_u (local.get $pb) (local.get $eb)))
        ;; The greater lo, the smaller hi (a's on a tie), as addresses of their words.
        (local.set $lo (select (local.get $pb) (local.get $pa) (call $atMost (local.get $pa) (local.get $pb))))
        (local.set $aEnds (call $atMost (i32.add (local.get $pa) (i32.const 16)) (i32.add (local.get $pb) (i32.const 16))))
        (local.set $hi (i32.add (select (local.get $pa) (local.get $pb) (local.get $aEnds)) (i32.const 16)))
        (if (call $atMost (local.get $lo) (local.get $hi))
          (then
            (i64.store (local.get $o) (i64.load (local.get $lo)))
            (i64.store offset=8 (local.get $o) (i64.load offset=8 (local.get $lo)))
            (i64.store offset=16 (local.get $o) (i64.load (local.get $hi)))
            (i64.store offset=24 (local.get $o) (i64.load offset=8 (local.get $hi)))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))))
        (if (local.get $aEnds)
          (then (local.set $pa (i32.add (local.get $pa) (i32.const 32))))
          (else (local.set $pb (i32.add (local.get $pb) (i32.const 32)))))
        (br $next)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $po)) (i32.const 2)))

  (func (export "difference4") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $po i32) (result i32)
    (local $ea i32) (local $eb i32) (local $o i32) (local $rest i32)
    (local $fh i64) (local $fl i64) (local $hh i64) (local $hl i64) (local $ch i64) (local $cl i64)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (local.set $o (local.get $po))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $pa) (local.get $ea)))
        (local.set $fh (call $half (local.get $pa)))
        (local.set $fl (call $half (i32.add (local.get $pa) (i32.const 8))))
        (local.set $hh (call $half (i32.add (local.get $pa) (i32.const 16))))
        (local.set $hl (call $half (i32.add (local.get $pa) (i32.const 24))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
        ;; Past b's intervals that end before this one starts.
        (block $reached
          (loop $skip
            (br_if $reached (i32.ge_u (local.get $pb) (local.get $eb)))
            (br_if $reached (call $le (local.get $fh) (local.get $fl)
              (call $half (i32.add (local.get $pb) (i32.const 16))) (call $half (i32.add (local.get $pb) (i32.const 24)))))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (br $skip)))
        (local.set $rest (i32.const 1))
        (block $cuts
          (loop $cut
            (br_if $cuts (i32.ge_u (local.get $pb) (local.get $eb)))
            (local.set $ch (call $half (local.get $pb)))
            (local.set $cl (call $half (i32.add (local.get $pb) (i32.const 8))))
            ;; A cut that starts past this interval's hi: the next interval of a.
            (br_if $cuts (i32.eqz (call $le (local.get $ch) (local.get $cl) (local.get $hh) (local.get $hl))))
            ;; The part before the cut: [from, cut lo − 1] (cut lo > from >= 0, so no borrow past zero).
            (if (i32.eqz (call $le (local.get $ch) (local.get $cl) (local.get $fh) (local.get $fl)))
              (then
                (call $store (local.get $o) (local.get $fh) (local.get $fl))
                (call $store (i32.add (local.get $o) (i32.const 16))
                  (i64.sub (local.get $ch) (i64.extend_i32_u (i64.eqz (local.get $cl))))
                  (i64.sub (local.get $cl) (i64.const 1)))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))))
            (local.set $ch (call $half (i32.add (local.get $pb) (i32.const 16))))
            (local.set $cl (call $half (i32.add (local.get $pb) (i32.const 24))))
            ;; The cut covers the rest of this interval (and may reach into the next): b's cursor stays.
            (if (call $le (local.get $hh) (local.get $hl) (local.get $ch) (local.get $cl))
              (then
                (local.set $rest (i32.const 0))
                (br $cuts)))
            ;; from = cut hi + 1 (cut hi < hi <= the maximum, so no carry past it).
            (local.set $fh (i64.add (local.get $ch) (i64.extend_i32_u (i64.eq (local.get $cl) (i64.const -1)))))
            (local.set $fl (i64.add (local.get $cl) (i64.const 1)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (br $cut)))
        (if (local.get $rest)
          (then
            (call $store (local.get $o) (local.get $fh) (local.get $fl))
            (call $store (i32.add (local.get $o) (i32.const 16)) (local.get $hh) (local.get $hl))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))))
        (br $each)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $po)) (i32.const 2)))

  ;; cidrs1 for four-word values, on the two 64-bit halves.
  (func (export "cidrs4") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $count i32) (local $m i32)
    (local $lh i64) (local $ll i64) (local $hh i64) (local $hl i64) (local $mh i64) (local $ml i64)
    (local $rh i64) (local $rl i64) (local $sh i64) (local $sl i64) (local $left i32) (local $right i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $lh (call $half (local.get $p)))
        (local.set $ll (call $half (i32.add (local.get $p) (i32.const 8))))
        (local.set $hh (call $half (i32.add (local.get $p) (i32.const 16))))
        (local.set $hl (call $half (i32.add (local.get $p) (i32.const 24))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (if (i32.and (i64.eq (local.get $lh) (local.get $hh)) (i64.eq (local.get $ll) (local.get $hl)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $next)))
        ;; m and the mask of the bits below it, as halves.
        (if (i64.ne (local.get $lh) (local.get $hh))
          (then
            (local.set $m (i32.sub (i32.const 127) (i32.wrap_i64 (i64.clz (i64.xor (local.get $lh) (local.get $hh))))))
            (local.set $mh (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $m) (i32.const 64)))) (i64.const 1)))
            (local.set $ml (i64.const -1)))
          (else
            (local.set $m (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (i64.xor (local.get $ll) (local.get $hl))))))
            (local.set $mh (i64.const 0))
            (local.set $ml (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $m))) (i64.const 1)))))
        (local.set $rh (i64.and (local.get $lh) (local.get $mh)))
        (local.set $rl (i64.and (local.get $ll) (local.get $ml)))
        (local.set $sh (i64.and (local.get $hh) (local.get $mh)))
        (local.set $sl (i64.and (local.get $hl) (local.get $ml)))
        (if (i32.and
              (i64.eqz (i64.or (local.get $rh) (local.get $rl)))
              (i32.and (i64.eq (local.get $sh) (local.get $mh)) (i64.eq (local.get $sl) (local.get $ml))))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $next)))
        ;; left: 1 when r is 0, else m - (popcount(r) + ctz(r) - 1).
        (if (i64.eqz (i64.or (local.get $rh) (local.get $rl)))
          (then (local.set $left (i32.const 1)))
          (else
            (local.set $left (i32.sub (local.get $m) (i32.sub (i32.wrap_i64 (i64.add
              (i64.add (i64.popcnt (local.get $rh)) (i64.popcnt (local.get $rl)))
              (select (i64.ctz (local.get $rl)) (i64.add (i64.const 64) (i64.ctz (local.get $rh))) (i64.ne (local.get $rl) (i64.const 0)))))
              (i32.const 1))))))
        ;; right: popcount(s) - ctz(~s) + 1.
        (local.set $right (i32.add (i32.wrap_i64 (i64.sub
          (i64.add (i64.popcnt (local.get $sh)) (i64.popcnt (local.get $sl)))
          (select (i64.ctz (i64.xor (local.get $sl) (i64.const -1)))
            (i64.add (i64.const 64) (i64.ctz (i64.xor (local.get $sh) (i64.const -1))))
            (i64.ne (local.get $sl) (i64.const -1)))))
          (i32.const 1)))
        (local.set $count (i32.add (local.get $count) (i32.add (local.get $left) (local.get $right))))
        (br $next)))
    (local.get $count))

  ;; blocks1 for four-word values (cidr-text.ts CidrBlocks.of for IPv6): each block's network four words at $pn,
  ;; most significant first as in the bounds, and its prefix length a byte at $pl; returns how many (cidrs4 counts them
  ;; first). The same walk on (high, low) halves: the span hi - cur + 1 is 1 to 2^128 (both halves carried out: the
  ;; whole range, 128 bits), and a step past the last address wraps cur to 0, which ends its interval.
  (func (export "blocks4") (param $p i32) (param $n i32) (param $pn i32) (param $pl i32) (result i32)
    (local $end i32) (local $count i32)
    (local $ch i64) (local $cl i64) (local $hh i64) (local $hl i64) (local $dh i64) (local $dl i64)
    (local $size i64) (local $align i64) (local $bits i64)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $ch (call $half (local.get $p)))
        (local.set $cl (call $half (i32.add (local.get $p) (i32.const 8))))
        (local.set $hh (call $half (i32.add (local.get $p) (i32.const 16))))
        (local.set $hl (call $half (i32.add (local.get $p) (i32.const 24))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (block $interval
          (loop $walk
            ;; hi - cur (cur <= hi: no borrow out of the high half), plus one.
            (local.set $dh (i64.sub (i64.sub (local.get $hh) (local.get $ch)) (i64.extend_i32_u (i64.lt_u (local.get $hl) (local.get $cl)))))
            (local.set $dl (i64.add (i64.sub (local.get $hl) (local.get $cl)) (i64.const 1)))
            (if (i64.eqz (local.get $dl)) (then (local.set $dh (i64.add (local.get $dh) (i64.const 1)))))
            ;; floor(log2(span)), 128 for the span 2^128 (both halves 0).
            (local.set $size
              (if (result i64) (i64.ne (local.get $dh) (i64.const 0))
                (then (i64.sub (i64.const 127) (i64.clz (local.get $dh))))
                (else
                  (if (result i64) (i64.ne (local.get $dl) (i64.const 0))
                    (then (i64.sub (i64.const 63) (i64.clz (local.get $dl))))
                    (else (i64.const 128))))))
            ;; cur's trailing zero bits, 128 for cur 0.
            (local.set $align
              (if (result i64) (i64.ne (local.get $cl) (i64.const 0))
                (then (i64.ctz (local.get $cl)))
                (else
                  (if (result i64) (i64.ne (local.get $ch) (i64.const 0))
                    (then (i64.add (i64.const 64) (i64.ctz (local.get $ch))))
                    (else (i64.const 128))))))
            (local.set $bits (select (local.get $size) (local.get $align) (i64.lt_u (local.get $size) (local.get $align))))
            (call $store (i32.add (local.get $pn) (i32.shl (local.get $count) (i32.const 4))) (local.get $ch) (local.get $cl))
            (i32.store8 (i32.add (local.get $pl) (local.get $count)) (i32.sub (i32.const 128) (i32.wrap_i64 (local.get $bits))))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br_if $interval (i64.eq (local.get $bits) (i64.const 128)))
            ;; cur += 2^bits. cur is aligned to it, so a carry out of the low half leaves that half 0.
            (if (i64.lt_u (local.get $bits) (i64.const 64))
              (then
                (local.set $cl (i64.add (local.get $cl) (i64.shl (i64.const 1) (local.get $bits))))
                (if (i64.eqz (local.get $cl)) (then (local.set $ch (i64.add (local.get $ch) (i64.const 1))))))
              (else
                (local.set $ch (i64.add (local.get $ch) (i64.shl (i64.const 1) (i64.sub (local.get $bits) (i64.const 64)))))))
            (br_if $interval (i64.eqz (i64.or (local.get $ch) (local.get $cl))))
            (br_if $walk (call $le (local.get $ch) (local.get $cl) (local.get $hh) (local.get $hl)))))
        (br $next)))
    (local.get $count))

  ;; overlaps1 for four-word values: a's interval ends below b's when b's lo is not at most a's hi.
  (func (export "overlaps4") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (result i32)
    (local $ea i32) (local $eb i32)
    (local.set $ea (i32.add (local.get $pa) (i32.shl (local.get $na) (i32.const 2))))
    (local.set $eb (i32.add (local.get $pb) (i32.shl (local.get $nb) (i32.const 2))))
    (block $apart
      (loop $next
        (br_if $apart (i32.ge_u (local.get $pa) (local.get $ea)))
        (br_if $apart (i32.ge_u (local.get $pb) (local.get $eb)))
        (if (i32.eqz (call $atMost (local.get $pb) (i32.add (local.get $pa) (i32.const 16))))
          (then
            (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
            (br $next)))
        (if (i32.eqz (call $atMost (local.get $pa) (i32.add (local.get $pb) (i32.const 16))))
          (then
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (br $next)))
        (return (i32.const 1))))
    (i32.const 0))

  ;; problem1 for four-word values.
  (func (export "problem4") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $first i32) (local $lh i64) (local $ll i64) (local $hh i64) (local $hl i64)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $first (local.get $p))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $lh (call $half (local.get $p)))
        (local.set $ll (call $half (i32.add (local.get $p) (i32.const 8))))
        (if (i32.eqz (call $le (local.get $lh) (local.get $ll)
              (call $half (i32.add (local.get $p) (i32.const 16))) (call $half (i32.add (local.get $p) (i32.const 24)))))
          (then (return (i32.const 1))))
        (if (i32.gt_u (local.get $p) (local.get $first))
          (then
            ;; The previous hi, and lo <= it + 1: lo <= hi, or lo is hi + 1 (with the carry into the upper half).
            (local.set $hh (call $half (i32.sub (local.get $p) (i32.const 16))))
            (local.set $hl (call $half (i32.sub (local.get $p) (i32.const 8))))
            (if (i32.or
                  (call $le (local.get $lh) (local.get $ll) (local.get $hh) (local.get $hl))
                  (i32.and
                    (i64.eq (local.get $ll) (i64.add (local.get $hl) (i64.const 1)))
                    (i64.eq (local.get $lh) (i64.add (local.get $hh) (i64.extend_i32_u (i64.eq (local.get $hl) (i64.const -1)))))))
              (then (return (i32.const 2))))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next)))
    (i32.const 0))
)
