;; A service-tag file read in WebAssembly (issue 22): the fast path of json-scan.ts (Scanner) for files shaped as
;; Microsoft writes them, with the same acceptance and the same prefix encoding (prefix-codec.ts). A cold `tagwall
;; snapshot diff` ran the Scanner in V8's interpreter for most of the first file, until the optimising compiler
;; caught up; WebAssembly is compiled before it first runs.
;;
;; It reads only that shape: the keys Microsoft writes, in its order and no others; strings without escapes and
;; within printable ASCII; integers of at most nine digits; prefixes in the forms Scanner.quotedIPv4/quotedIPv6
;; take. Anything else returns -1 and the JavaScript reads the file as before, which finds every error and words it,
;; so the rare forms and the errors keep one implementation. What it takes, the JavaScript would take the same way:
;; prefix-scan.test.ts and json-scan.test.ts check the two agree, on generated files and on every one-byte change.
;;
;; Functions are kept few and large: V8 first runs WebAssembly as its baseline compiler (Liftoff) makes it, which
;; keeps values in registers within a function but spills them at every call; a call per byte (a digit test, a hex
;; digit) made that slower than the optimised JavaScript.
;;
;; Memory, laid out by prefix-scan.ts:
;;   0     the last prefix array's prefix count, IPv4 count and encoding end (three i32)
;;   16    the eight 16-bit groups of the IPv6 address being read
;;   32    each byte's value as a hex digit, 0xff for one that is not (json-scan.ts HEX_DIGIT_VALUE)
;;   288   the keys, one after the other (KEYS)
;;   448   the file's changeNumber, and where its cloud's text starts and ends (three i32)
;;   460   where `tags` stopped, whether the file ended there, the encoding's end, whether a ']' may come (four i32)
;;   476   where the next tag's name goes in the names' copy (an i32, set by prefix-scan.ts before `begin`)
;;   480   where the encoding, the records and the names' copy must end (three i32, set by prefix-scan.ts), and 1 at
;;         492 once one of them would go past its end (`full`): prefix-scan.ts then reads the file again with more room
;;   496   where the next tag's name hash and its encoding's end go in their columns (two i32, set by prefix-scan.ts)
;;   1024  the file's text, or a window of it (from byte $shift of the file), then zero bytes: a byte past it reads
;;         as 0, which no test below accepts, as the JavaScript refuses the `undefined` past the end of its bytes.
;;         Positions written out (the cloud's, the records') are offsets into the file: an address less 1024, plus
;;         $shift.
;;   then the prefixes' encoding, the tags' records and the names' copy (each name and a line feed), where
;;   prefix-scan.ts says.
;;
;; Built into prefix-scan-wasm.ts by `npm run wasm` (scripts/build-wasm.ts); a test checks that file is this one.
(module
  (memory (export "memory") 1)
  (data (i32.const 32)
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\00\01\02\03\04\05\06\07\08\09\ff\ff\ff\ff\ff\ff"
    "\ff\0a\0b\0c\0d\0e\0f\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\0a\0b\0c\0d\0e\0f\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")

  ;; KEYS: address, length: changeNumber 288 12, cloud 300 5, values 305 6, name 311 4, id 315 2, properties 317 10,
  ;; region 327 6, regionId 333 8, platform 341 8, systemService 349 13, addressPrefixes 362 15, networkFeatures 377 15
  (data (i32.const 288) "changeNumbercloudvaluesnameidpropertiesregionregionIdplatformsystemServiceaddressPrefixesnetworkFeatures")

  ;; The value of the last integer $integer read.
  (global $integer (mut i32) (i32.const 0))
  ;; Where the encoding of the file's prefixes starts.
  (global $encoding (mut i32) (i32.const 0))
  ;; Which byte of the file is at 1024 (a window's first: `tags`); positions written out are in the file.
  (global $shift (mut i32) (i32.const 0))
  ;; The text of the last tag's region, platform, systemService and networkFeatures (start, end; 0, 0 for none).
  (global $region (mut i64) (i64.const 0))
  (global $platform (mut i64) (i64.const 0))
  (global $systemService (mut i64) (i64.const 0))
  (global $features (mut i64) (i64.const 0))
  ;; The names' copy: where the next tag read whole puts its name, and where the name of the tag being read ends
  ;; (committed by `tags` once the tag is read whole: a tag cut by a window's end is read again from the next).
  (global $names (mut i32) (i32.const 0))
  (global $namesEnd (mut i32) (i32.const 0))
  ;; Where the encoding, the records and the names' copy must end (from 480, read by `tags`).
  (global $encodingLimit (mut i32) (i32.const 0))
  (global $recordsLimit (mut i32) (i32.const 0))
  (global $namesLimit (mut i32) (i32.const 0))
  ;; The columns of the tags' name hashes and encodings' ends: where the next tag read whole puts each (from 496).
  (global $hashes (mut i32) (i32.const 0))
  (global $ends (mut i32) (i32.const 0))

  ;; The file's text at [$start, $end): its tags as records of twenty-one i32 from address $records (RECORD in
  ;; prefix-scan.ts), their prefixes encoded from $out one after the other, the file's changeNumber and cloud at 448;
  ;; returns how many tags, or -1 for a file the JavaScript should read. The whole text in memory: `begin` and then
  ;; `tags` read the same file through a window (prefix-scan.ts readServiceTagFile).
  (func (export "file") (param $start i32) (param $end i32) (param $out i32) (param $records i32) (result i32)
    (local $p i32) (local $tags i32)
    (local.set $p (call $begin (local.get $start) (local.get $out)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $tags (call $tags (local.get $p) (local.get $end) (local.get $out) (local.get $records) (i32.const 1) (i32.const 0)))
    (if (i32.eqz (i32.load (i32.const 464))) (then (return (i32.const -1))))
    (local.get $tags))

  ;; The file's start at $start (the first window holds it from address 1024): the object's '{', its changeNumber
  ;; and cloud (stored at 448), the '[' of its values and the whitespace after it; the position after them (the
  ;; first tag's '{', or the ']' of an empty array), or -1. The tags' prefixes will be encoded from $out.
  (func $begin (export "begin") (param $start i32) (param $out i32) (result i32)
    (local $p i32)
    (global.set $encoding (local.get $out))
    (global.set $shift (i32.const 0))
    (local.set $p (call $ws (local.get $start)))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7b)) (then (return (i32.const -1))))
    (local.set $p (call $key (call $ws (i32.add (local.get $p) (i32.const 1))) (i32.const 288) (i32.const 12)))
    (local.set $p (call $integer (local.get $p)))
    (i32.store (i32.const 448) (global.get $integer))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 300) (i32.const 5)))
    (i32.store (i32.const 452) (i32.sub (local.get $p) (i32.const 1023)))
    (local.set $p (call $string (local.get $p)))
    (i32.store (i32.const 456) (i32.sub (local.get $p) (i32.const 1025)))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 305) (i32.const 6)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x5b)) (then (return (i32.const -1))))
    (call $ws (i32.add (local.get $p) (i32.const 1))))

  ;; The tags from $p, which is a tag's '{' or, when $closeable, may be the values' ']' (after the '[' or a tag), in a
  ;; text that ends at $end and whose first byte, at 1024, is byte $shift of the file: records and encoding as `file`
  ;; writes them, positions in the file. Returns how many tags it read, and stores where it stopped: at 460 the
  ;; address of the first tag it did not read (or of the ']'), at 464 1 when the ']' closed the values and the file's
  ;; '}' and whitespace ended the text at $end (else 0), at 468 the encoding's end after the tags read, at 472
  ;; whether a ']' may stand where it stopped, at 476 where the names' copy ends. A tag cut by $end is not read (the
  ;; zero bytes after the text fail it, or the separator after it), so the caller can read it again from the next
  ;; window. The previous tag's texts are compared (SAME_AS) within one call only.
  (func $tags (export "tags") (param $p i32) (param $end i32) (param $out i32) (param $records i32) (param $closeable i32) (param $shift i32) (result i32)
    (local $tags i32) (local $at i32) (local $next i32) (local $c i32)
    (global.set $shift (local.get $shift))
    (global.set $region (i64.const 0))
    (global.set $platform (i64.const 0))
    (global.set $systemService (i64.const 0))
    (global.set $features (i64.const 0))
    (i32.store (i32.const 464) (i32.const 0))
    (global.set $names (i32.load (i32.const 476)))
    (global.set $encodingLimit (i32.load (i32.const 480)))
    (global.set $recordsLimit (i32.load (i32.const 484)))
    (global.set $namesLimit (i32.load (i32.const 488)))
    (global.set $hashes (i32.load (i32.const 496)))
    (global.set $ends (i32.load (i32.const 500)))
    (local.set $at (call $ws (local.get $p)))
    (block $stop
      (block $close
        (br_if $close (i32.and (local.get $closeable) (i32.eq (i32.load8_u (local.get $at)) (i32.const 0x5d))))
        (loop $tag
          (if (i32.gt_u (i32.add (local.get $records) (i32.const 84)) (global.get $recordsLimit))
            (then (drop (call $full)) (br $stop)))
          (local.set $next (call $ws (call $tag (local.get $at) (local.get $out) (local.get $records))))
          (br_if $stop (i32.lt_s (local.get $next) (i32.const 0)))
          (local.set $c (i32.load8_u (local.get $next)))
          (br_if $stop (i32.and (i32.ne (local.get $c) (i32.const 0x2c)) (i32.ne (local.get $c) (i32.const 0x5d))))
          ;; read whole, and a ',' or a ']' after it
          (local.set $out (i32.load (i32.const 8)))
          (global.set $names (global.get $namesEnd))
          ;; its name hash and encoding's end in their columns too (the records' room bounds both: one word a tag)
          (i32.store (global.get $hashes) (i32.load offset=80 (local.get $records)))
          (global.set $hashes (i32.add (global.get $hashes) (i32.const 4)))
          (i32.store (global.get $ends) (i32.load offset=64 (local.get $records)))
          (global.set $ends (i32.add (global.get $ends) (i32.const 4)))
          (local.set $records (i32.add (local.get $records) (i32.const 84)))
          (local.set $tags (i32.add (local.get $tags) (i32.const 1)))
          (local.set $closeable (i32.const 1))
          (local.set $at (local.get $next))
          (br_if $close (i32.eq (local.get $c) (i32.const 0x5d)))
          (local.set $closeable (i32.const 0))
          (local.set $at (call $ws (i32.add (local.get $next) (i32.const 1))))
          (br $tag)))
      ;; at the ']': the object's '}', and nothing but whitespace after it
      (local.set $p (call $ws (i32.add (local.get $at) (i32.const 1))))
      (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x7d))
        (then
          (if (i32.eq (call $ws (i32.add (local.get $p) (i32.const 1))) (local.get $end))
            (then (i32.store (i32.const 464) (i32.const 1)))))))
    (i32.store (i32.const 460) (local.get $at))
    (i32.store (i32.const 468) (local.get $out))
    (i32.store (i32.const 472) (local.get $closeable))
    (i32.store (i32.const 476) (global.get $names))
    (i32.store (i32.const 496) (global.get $hashes))
    (i32.store (i32.const 500) (global.get $ends))
    (local.get $tags))

  ;; At a tag's '{': its record at $record (prefixes encoded from $out); the position after its '}', or -1.
  ;; A step that fails returns -1, which every later step passes on: each tests its position before it reads (an
  ;; address of -1 is past the memory, and would trap).
  (func $tag (param $p i32) (param $out i32) (param $record i32) (result i32)
    (local $name i32)
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7b)) (then (return (i32.const -1))))
    (local.set $p (call $key (call $ws (i32.add (local.get $p) (i32.const 1))) (i32.const 311) (i32.const 4)))
    (i32.store offset=0 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1023))))
    (local.set $name (local.get $p))
    (local.set $p (call $string (local.get $p)))
    (i32.store offset=4 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1025))))
    ;; the name's lookup hash, from its bytes between the quotes (none when the string failed: the tag fails too),
    ;; and the name copied with a line feed after it: the JavaScript makes the names from one string of them all,
    ;; which the names check reads whole (load.ts validNames); a name holds no line feed (`string`).
    (if (i32.lt_s (local.get $p) (i32.const 0))
      (then (i32.store offset=80 (local.get $record) (i32.const 0)))
      (else
        (i32.store offset=80 (local.get $record)
          (call $nameHash (i32.add (local.get $name) (i32.const 1)) (i32.sub (local.get $p) (i32.const 1))))
        (local.set $name (i32.sub (i32.sub (local.get $p) (local.get $name)) (i32.const 2)))
        (if (i32.gt_u (i32.add (i32.add (global.get $names) (local.get $name)) (i32.const 1)) (global.get $namesLimit))
          (then (return (call $full))))
        (memory.copy (global.get $names) (i32.sub (local.get $p) (i32.add (local.get $name) (i32.const 1))) (local.get $name))
        (global.set $namesEnd (i32.add (i32.add (global.get $names) (local.get $name)) (i32.const 1)))
        (i32.store8 offset=0 (i32.sub (global.get $namesEnd) (i32.const 1)) (i32.const 0x0a))))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 315) (i32.const 2)))
    (i32.store offset=8 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1023))))
    (local.set $p (call $string (local.get $p)))
    (i32.store offset=12 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1025))))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 317) (i32.const 10)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7b)) (then (return (i32.const -1))))
    (local.set $p (call $key (call $ws (i32.add (local.get $p) (i32.const 1))) (i32.const 288) (i32.const 12)))
    (local.set $p (call $integer (local.get $p)))
    (i32.store offset=16 (local.get $record) (global.get $integer))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 327) (i32.const 6)))
    (i32.store offset=20 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1023))))
    (local.set $p (call $string (local.get $p)))
    (i32.store offset=24 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1025))))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 333) (i32.const 8)))
    (local.set $p (call $integer (local.get $p)))
    (i32.store offset=28 (local.get $record) (global.get $integer))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 341) (i32.const 8)))
    (i32.store offset=32 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1023))))
    (local.set $p (call $string (local.get $p)))
    (i32.store offset=36 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1025))))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 349) (i32.const 13)))
    (i32.store offset=40 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1023))))
    (local.set $p (call $string (local.get $p)))
    (i32.store offset=44 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1025))))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 362) (i32.const 15)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (i32.store offset=48 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1024))))
    (local.set $p (call $array (local.get $p) (local.get $out)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (i32.store offset=52 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1024))))
    (i32.store offset=56 (local.get $record) (i32.load (i32.const 0)))
    (i32.store offset=60 (local.get $record) (i32.load (i32.const 4)))
    (i32.store offset=64 (local.get $record) (i32.sub (i32.load (i32.const 8)) (global.get $encoding)))
    (local.set $p (call $key (call $separator (local.get $p)) (i32.const 377) (i32.const 15)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.eq (i32.load (local.get $p)) (i32.const 0x6c6c756e)) ;; null
      (then
        (i32.store offset=68 (local.get $record) (i32.const -1))
        (i32.store offset=72 (local.get $record) (i32.const -1))
        (local.set $p (i32.add (local.get $p) (i32.const 4))))
      (else
        (i32.store offset=68 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1024))))
        (local.set $p (call $strings (local.get $p)))
        (i32.store offset=72 (local.get $record) (i32.add (global.get $shift) (i32.sub (local.get $p) (i32.const 1024))))))
    (i32.store offset=76 (local.get $record) (call $flags (local.get $record)))
    ;; the properties' '}' and the tag's
    (local.set $p (call $ws (local.get $p)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7d)) (then (return (i32.const -1))))
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7d)) (then (return (i32.const -1))))
    (i32.add (local.get $p) (i32.const 1)))

  ;; No room left for the encoding, the records or the names' copy: marked at 492 for prefix-scan.ts; -1.
  (func $full (result i32)
    (i32.store (i32.const 492) (i32.const 1))
    (i32.const -1))

  ;; A tag's record's last field: which of its texts are the same as another's, so that the JavaScript makes a
  ;; string or a list once for them: 1 the id is the name; 2, 4, 8, 16 the region, platform, systemService and
  ;; networkFeatures (a list, not null) are the previous tag's.
  (func $flags (param $record i32) (result i32)
    (local $flags i32) (local $text i64)
    (if (call $same (i64.load offset=0 (local.get $record)) (i64.load offset=8 (local.get $record)))
      (then (local.set $flags (i32.const 1))))
    (local.set $text (i64.load offset=20 (local.get $record)))
    (if (call $same (local.get $text) (global.get $region)) (then (local.set $flags (i32.or (local.get $flags) (i32.const 2)))))
    (global.set $region (local.get $text))
    (local.set $text (i64.load offset=32 (local.get $record)))
    (if (call $same (local.get $text) (global.get $platform)) (then (local.set $flags (i32.or (local.get $flags) (i32.const 4)))))
    (global.set $platform (local.get $text))
    (local.set $text (i64.load offset=40 (local.get $record)))
    (if (call $same (local.get $text) (global.get $systemService)) (then (local.set $flags (i32.or (local.get $flags) (i32.const 8)))))
    (global.set $systemService (local.get $text))
    (if (i32.ge_s (i32.load offset=68 (local.get $record)) (i32.const 0))
      (then
        (local.set $text (i64.load offset=68 (local.get $record)))
        (if (call $same (local.get $text) (global.get $features)) (then (local.set $flags (i32.or (local.get $flags) (i32.const 16)))))
        (global.set $features (local.get $text)))
      (else (global.set $features (i64.const 0))))
    (local.get $flags))

  ;; Whether two texts, each a start and an end (positions in the text, start in the low half), hold the same bytes;
  ;; 0, 0 is no text, the same as none.
  (func $same (param $a i64) (param $b i64) (result i32)
    (local $start i32) (local $other i32) (local $length i32) (local $k i32)
    (if (i64.eqz (local.get $b)) (then (return (i32.const 0))))
    (local.set $start (i32.wrap_i64 (local.get $a)))
    (local.set $other (i32.wrap_i64 (local.get $b)))
    (local.set $length (i32.sub (i32.wrap_i64 (i64.shr_u (local.get $a) (i64.const 32))) (local.get $start)))
    (if (i32.ne (local.get $length) (i32.sub (i32.wrap_i64 (i64.shr_u (local.get $b) (i64.const 32))) (local.get $other)))
      (then (return (i32.const 0))))
    (block $differ
      (loop $byte
        (if (i32.eq (local.get $k) (local.get $length)) (then (return (i32.const 1))))
        (br_if $differ
          (i32.ne
            (i32.load8_u offset=1024 (i32.sub (i32.add (local.get $start) (local.get $k)) (global.get $shift)))
            (i32.load8_u offset=1024 (i32.sub (i32.add (local.get $other) (local.get $k)) (global.get $shift)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $byte)))
    (i32.const 0))

  ;; The position of the first byte at or after $p that is not JSON whitespace (space, \n, \r, \t); eight spaces at
  ;; a time where they come eight in a row (Microsoft indents each prefix by ten). -1 stays -1.
  (func $ws (param $p i32) (result i32)
    (local $c i32)
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (block $done
      (loop $next
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 0x20))
          (then
            (if (i64.eq (i64.load (local.get $p)) (i64.const 0x2020202020202020))
              (then (local.set $p (i32.add (local.get $p) (i32.const 8))))
              (else (local.set $p (i32.add (local.get $p) (i32.const 1)))))
            (br $next)))
        (br_if $done
          (i32.and
            (i32.ne (local.get $c) (i32.const 0x0a))
            (i32.and (i32.ne (local.get $c) (i32.const 0x0d)) (i32.ne (local.get $c) (i32.const 0x09)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; At a '"': the key at $name (of $length bytes), then ':' (whitespace around it); the position of the value after
  ;; it, or -1.
  (func $key (param $p i32) (param $name i32) (param $length i32) (result i32)
    (local $k i32)
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
    (block $same
      (loop $byte
        (br_if $same (i32.eq (local.get $k) (local.get $length)))
        (if (i32.ne
              (i32.load8_u offset=1 (i32.add (local.get $p) (local.get $k)))
              (i32.load8_u (i32.add (local.get $name) (local.get $k))))
          (then (return (i32.const -1))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $byte)))
    (local.set $p (i32.add (i32.add (local.get $p) (local.get $length)) (i32.const 1)))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const -1))))
    (call $ws (i32.add (local.get $p) (i32.const 1))))

  ;; After a value: whitespace, a ',', whitespace; the position after them, or -1.
  (func $separator (param $p i32) (result i32)
    (local.set $p (call $ws (local.get $p)))
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x2c)) (then (return (i32.const -1))))
    (call $ws (i32.add (local.get $p) (i32.const 1))))

  ;; FNV-1a (32 bits) of the bytes [$s, $e), each of A-Z taken as its lower case: a tag name's hash as
  ;; name-index.ts nameHash computes it from the name's characters, for the table's case-blind name index.
  (func $nameHash (param $s i32) (param $e i32) (result i32)
    (local $h i32) (local $c i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_s (local.get $s) (local.get $e)))
        (local.set $c (i32.load8_u (local.get $s)))
        (if (i32.le_u (i32.sub (local.get $c) (i32.const 0x41)) (i32.const 25))
          (then (local.set $c (i32.or (local.get $c) (i32.const 0x20)))))
        (local.set $h (i32.mul (i32.xor (local.get $h) (local.get $c)) (i32.const 0x01000193)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $byte)))
    (local.get $h))

  ;; At a '"': a string of printable ASCII without escapes; the position after its closing quote, or -1.
  (func $string (param $p i32) (result i32)
    (local $c i32)
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
    (loop $byte
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (i32.add (local.get $p) (i32.const 1)))))
      ;; 0x20..0x7e but the backslash: an escape, a control character or a byte past ASCII is the JavaScript's
      (br_if $byte
        (i32.and
          (i32.le_u (i32.sub (local.get $c) (i32.const 0x20)) (i32.const 0x5e))
          (i32.ne (local.get $c) (i32.const 0x5c)))))
    (i32.const -1))

  ;; At '[': an array of strings (string); the position after its ']', or -1.
  (func $strings (param $p i32) (result i32)
    (local $c i32)
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x5b)) (then (return (i32.const -1))))
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x5d)) (then (return (i32.add (local.get $p) (i32.const 1)))))
    (loop $element
      (local.set $p (call $ws (call $string (local.get $p))))
      (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x2c))
        (then
          (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
          (br $element))))
    (if (i32.ne (local.get $c) (i32.const 0x5d)) (then (return (i32.const -1))))
    (i32.add (local.get $p) (i32.const 1)))

  ;; An integer of one to nine digits without a leading zero (or a lone 0), not followed by a fraction, an exponent
  ;; or another digit, into $integer; the position after it, or -1. (The JavaScript takes longer ones and `1.0`.)
  (func $integer (param $p i32) (result i32)
    (local $value i32) (local $digits i32) (local $c i32)
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
    (block $end
      (loop $digit
        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
        (br_if $end (i32.gt_u (local.get $c) (i32.const 9)))
        (if (i32.and (i32.eq (local.get $digits) (i32.const 1)) (i32.eqz (local.get $value))) (then (return (i32.const -1))))
        (if (i32.eq (local.get $digits) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $value (i32.add (i32.mul (local.get $value) (i32.const 10)) (local.get $c)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    ;; '.' 'e' 'E' after the digits: the JavaScript's
    (if (i32.or
          (i32.eqz (local.get $digits))
          (i32.or (i32.eq (local.get $c) (i32.const -2)) (i32.eq (i32.or (i32.add (local.get $c) (i32.const 48)) (i32.const 0x20)) (i32.const 0x65))))
      (then (return (i32.const -1))))
    (global.set $integer (local.get $value))
    (local.get $p))

  ;; At the '[' at address $p: the array's prefixes encoded from address $out, the address after its ']' returned
  ;; and the counts stored at 0; or -1 for anything the JavaScript should read instead.
  (func $array (param $p i32) (param $out i32) (result i32)
    (local $c i32) (local $i i32) (local $count i32) (local $ipv4 i32) (local $end i32)
    ;; an IPv4 prefix
    (local $octets i32) (local $octet i32) (local $value i32) (local $length i32)
    ;; an IPv6 prefix
    (local $groups i32) (local $gapAt i32) (local $start i32) (local $group i32) (local $digit i32) (local $tail i32)
    (local $k i32) (local $bits i32) (local $significant i32) (local $word i32)
    (local.set $end (local.get $out))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x5b)) (then (return (i32.const -1))))
    ;; firstElement: past the '[' and any whitespace; an empty array ends at its ']'.
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x5d))
      (then
        (i32.store (i32.const 0) (i32.const 0))
        (i32.store (i32.const 4) (i32.const 0))
        (i32.store (i32.const 8) (local.get $end))
        (return (i32.add (local.get $p) (i32.const 1)))))

    (loop $element
      ;; room for the longest prefix's encoding (seventeen bytes)
      (if (i32.gt_u (i32.add (local.get $end) (i32.const 17)) (global.get $encodingLimit)) (then (return (call $full))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))

      (block $prefixRead
        ;; ── IPv4, as Scanner.quotedIPv4: a dotted quad without leading zeros, a length without one, at most 32,
        ;; no host bits, then the closing quote. `c` is the byte at i less '0', as there: '.' is -2, '/' is -1,
        ;; '"' is -14; a byte is a digit when c is 0..9 unsigned.
        (block $notIPv4
          (local.set $i (i32.add (local.get $p) (i32.const 1)))
          (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
          (local.set $value (i32.const 0))
          (local.set $octets (i32.const 0))
          (loop $octet
            (if (local.get $octets)
              (then
                (br_if $notIPv4 (i32.ne (local.get $c) (i32.const -2)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))))
            ;; 1 to 3 digits, without a leading zero, at most 255; a fourth digit fails the '.' or '/' test after.
            (br_if $notIPv4 (i32.gt_u (local.get $c) (i32.const 9)))
            (local.set $octet (local.get $c))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (if (i32.le_u (local.get $c) (i32.const 9))
              (then
                (br_if $notIPv4 (i32.eqz (local.get $octet)))
                (local.set $octet (i32.add (i32.mul (local.get $octet) (i32.const 10)) (local.get $c)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
                (if (i32.le_u (local.get $c) (i32.const 9))
                  (then
                    (local.set $octet (i32.add (i32.mul (local.get $octet) (i32.const 10)) (local.get $c)))
                    (br_if $notIPv4 (i32.gt_u (local.get $octet) (i32.const 255)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))))))
            (local.set $value (i32.or (i32.shl (local.get $value) (i32.const 8)) (local.get $octet)))
            (local.set $octets (i32.add (local.get $octets) (i32.const 1)))
            (br_if $octet (i32.lt_u (local.get $octets) (i32.const 4))))
          (br_if $notIPv4 (i32.ne (local.get $c) (i32.const -1)))
          ;; The length: 1 or 2 digits, without a leading zero, at most 32, then the closing quote.
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
          (br_if $notIPv4 (i32.gt_u (local.get $c) (i32.const 9)))
          (local.set $length (local.get $c))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
          (if (i32.le_u (local.get $c) (i32.const 9))
            (then
              (br_if $notIPv4 (i32.eqz (local.get $length)))
              (local.set $length (i32.add (i32.mul (local.get $length) (i32.const 10)) (local.get $c)))
              (br_if $notIPv4 (i32.gt_u (local.get $length) (i32.const 32)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))))
          (br_if $notIPv4 (i32.ne (local.get $c) (i32.const -14)))
          ;; Host bits: the low 32 - length bits are zero (a shift by 32 would be one by 0: the length is tested).
          (br_if $notIPv4
            (i32.and
              (i32.lt_u (local.get $length) (i32.const 32))
              (i32.ne (i32.shl (local.get $value) (local.get $length)) (i32.const 0))))
          ;; PrefixWriter.writeIPv4: the length, then the network's significant bytes, most significant first.
          ;; All four are stored; those past the significant ones are not kept (the next prefix starts over them).
          (i32.store8 (local.get $end) (local.get $length))
          (i32.store8 offset=1 (local.get $end) (i32.shr_u (local.get $value) (i32.const 24)))
          (i32.store8 offset=2 (local.get $end) (i32.shr_u (local.get $value) (i32.const 16)))
          (i32.store8 offset=3 (local.get $end) (i32.shr_u (local.get $value) (i32.const 8)))
          (i32.store8 offset=4 (local.get $end) (local.get $value))
          (local.set $end
            (i32.add (local.get $end)
              (i32.add (i32.const 1) (i32.shr_u (i32.add (local.get $length) (i32.const 7)) (i32.const 3)))))
          (local.set $ipv4 (i32.add (local.get $ipv4) (i32.const 1)))
          (local.set $p (i32.add (local.get $i) (i32.const 1)))
          (br $prefixRead))

        ;; ── IPv6, as Scanner.quotedIPv6: hex groups, at most one '::', a length without a leading zero, at most
        ;; 128, no host bits, then the closing quote. Group k is the 16 bits at 16 + 2k.
        (local.set $groups (i32.const 0))
        (local.set $gapAt (i32.const -1))
        (local.set $i (i32.add (local.get $p) (i32.const 1)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x3a))
          (then
            (if (i32.ne (i32.load8_u offset=1 (local.get $i)) (i32.const 0x3a)) (then (return (i32.const -1))))
            (local.set $gapAt (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))))
        (block $address
          (loop $group
            (local.set $c (i32.load8_u (local.get $i)))
            (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (i32.const -1))))
            (if (i32.eq (local.get $c) (i32.const 0x2f))
              (then
                ;; `2001:db8::/32`: the address ends right after its '::'.
                (br_if $address
                  (i32.and
                    (i32.eq (local.get $gapAt) (local.get $groups))
                    (i32.eq (i32.load8_u (i32.sub (local.get $i) (i32.const 1))) (i32.const 0x3a))))
                (return (i32.const -1))))
            (if (i32.eq (local.get $groups) (i32.const 8)) (then (return (i32.const -1))))
            (local.set $start (local.get $i))
            (local.set $group (i32.const 0))
            (block $digits
              (loop $digit
                (local.set $digit (i32.load8_s offset=32 (i32.load8_u (local.get $i))))
                (br_if $digits (i32.lt_s (local.get $digit) (i32.const 0)))
                (local.set $group (i32.or (i32.shl (local.get $group) (i32.const 4)) (local.get $digit)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $digit)))
            (local.set $digit (i32.sub (local.get $i) (local.get $start)))
            (if (i32.or (i32.eqz (local.get $digit)) (i32.gt_u (local.get $digit) (i32.const 4))) (then (return (i32.const -1))))
            (i32.store16 offset=16 (i32.shl (local.get $groups) (i32.const 1)) (local.get $group))
            (local.set $groups (i32.add (local.get $groups) (i32.const 1)))
            (local.set $c (i32.load8_u (local.get $i)))
            (br_if $address (i32.eq (local.get $c) (i32.const 0x2f)))
            (if (i32.ne (local.get $c) (i32.const 0x3a)) (then (return (i32.const -1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $c (i32.load8_u (local.get $i)))
            (if (i32.eq (local.get $c) (i32.const 0x3a))
              (then
                (if (i32.ge_s (local.get $gapAt) (i32.const 0)) (then (return (i32.const -1))))
                (local.set $gapAt (local.get $groups))
                (local.set $i (i32.add (local.get $i) (i32.const 1))))
              (else
                ;; a single ':' before the length
                (if (i32.eq (local.get $c) (i32.const 0x2f)) (then (return (i32.const -1))))))
            (br $group)))
        (if (i32.ge_s (local.get $gapAt) (i32.const 0))
          (then
            (if (i32.eq (local.get $groups) (i32.const 8)) (then (return (i32.const -1))))
            ;; The groups after the '::' move to the end, last first; the gap between them is zeros.
            (local.set $tail (i32.sub (local.get $groups) (local.get $gapAt)))
            (local.set $k (i32.const 0))
            (block $moved
              (loop $move
                (br_if $moved (i32.ge_s (local.get $k) (local.get $tail)))
                (i32.store16 offset=16
                  (i32.shl (i32.sub (i32.const 7) (local.get $k)) (i32.const 1))
                  (i32.load16_u offset=16 (i32.shl (i32.sub (i32.sub (local.get $groups) (i32.const 1)) (local.get $k)) (i32.const 1))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $move)))
            (local.set $k (local.get $gapAt))
            (block $zeroed
              (loop $zero
                (br_if $zeroed (i32.ge_s (local.get $k) (i32.sub (i32.const 8) (local.get $tail))))
                (i32.store16 offset=16 (i32.shl (local.get $k) (i32.const 1)) (i32.const 0))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $zero))))
          (else
            (if (i32.ne (local.get $groups) (i32.const 8)) (then (return (i32.const -1))))))
        ;; The length after the '/': 1 to 3 digits, without a leading zero, at most 128, then the closing quote.
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
        (if (i32.gt_u (local.get $c) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $length (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
        (if (i32.le_u (local.get $c) (i32.const 9))
          (then
            (if (i32.eqz (local.get $length)) (then (return (i32.const -1))))
            (local.set $length (i32.add (i32.mul (local.get $length) (i32.const 10)) (local.get $c)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (if (i32.le_u (local.get $c) (i32.const 9))
              (then
                (local.set $length (i32.add (i32.mul (local.get $length) (i32.const 10)) (local.get $c)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))))))
        (if (i32.or (i32.ne (local.get $c) (i32.const -14)) (i32.gt_u (local.get $length) (i32.const 128)))
          (then (return (i32.const -1))))
        ;; Host bits, a 32-bit word (two groups) at a time: the mask of word k's bits past the length.
        (local.set $k (i32.const 0))
        (loop $words
          (local.set $word
            (i32.or
              (i32.shl (i32.load16_u offset=16 (i32.shl (local.get $k) (i32.const 2))) (i32.const 16))
              (i32.load16_u offset=18 (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $bits (i32.sub (local.get $length) (i32.shl (local.get $k) (i32.const 5))))
          (if (i32.lt_s (local.get $bits) (i32.const 32))
            (then
              (if (i32.and
                    (local.get $word)
                    (if (result i32) (i32.le_s (local.get $bits) (i32.const 0))
                      (then (i32.const -1))
                      (else (i32.xor (i32.shl (i32.const -1) (i32.sub (i32.const 32) (local.get $bits))) (i32.const -1)))))
                (then (return (i32.const -1))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $words (i32.lt_u (local.get $k) (i32.const 4))))
        ;; PrefixWriter.writeIPv6: 33 + the length, then the network's significant bytes, a group's high byte first.
        (i32.store8 (local.get $end) (i32.add (i32.const 33) (local.get $length)))
        (local.set $significant (i32.shr_u (i32.add (local.get $length) (i32.const 7)) (i32.const 3)))
        (local.set $k (i32.const 0))
        (block $written
          (loop $byte
            (br_if $written (i32.ge_u (local.get $k) (local.get $significant)))
            ;; Group k/2's bytes, high then low: the byte at 16 + (k ^ 1) of the little-endian groups.
            (i32.store8 offset=1 (i32.add (local.get $end) (local.get $k)) (i32.load8_u offset=16 (i32.xor (local.get $k) (i32.const 1))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $byte)))
        (local.set $end (i32.add (i32.add (local.get $end) (i32.const 1)) (local.get $significant)))
        (local.set $p (i32.add (local.get $i) (i32.const 1))))

      ;; nextPrefix: whitespace, then a ',' and whitespace before the next prefix, or the ']' that ends the array.
      (local.set $p (call $ws (local.get $p)))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x2c))
        (then
          (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
          (br $element)))
      (if (i32.ne (local.get $c) (i32.const 0x5d)) (then (return (i32.const -1))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))))

    (i32.store (i32.const 0) (local.get $count))
    (i32.store (i32.const 4) (local.get $ipv4))
    (i32.store (i32.const 8) (local.get $end))
    (local.get $p))

  ;; ── Two tags' encodings compared (diff.ts sortedEncodedDelta, with the same answers) ──────────────────────

  ;; The size of the encoded prefix whose header is $header: the header and the significant bytes.
  (func $size (param $header i32) (result i32)
    (i32.add (i32.const 1)
      (i32.shr_u
        (i32.add (select (local.get $header) (i32.sub (local.get $header) (i32.const 33)) (i32.lt_u (local.get $header) (i32.const 33)))
          (i32.const 7))
        (i32.const 3))))

  ;; A changed tag of the Public pair keeps most of its ~940 KB of encodings: the bytes the two lists share from a pair
  ;; on are measured eight at a time ($common), and the prefixes within them walked with one order test each ($order:
  ;; the network bytes as two masked 64-bit words, not a byte loop). Round 24's merge (a byte loop per comparison, ~4
  ;; calls a prefix) took ~4 ms of a cold diff in V8's baseline code (Liftoff), which spills every value at each call.

  ;; How many bytes [$a, $aEnd) and [$b, $bEnd) share from their starts (at most the shorter one's length). Eight
  ;; bytes at a time: a list is followed by 32 bytes (prefix-scan.ts), so a load past its end is in the memory.
  (func $common (param $a i32) (param $aEnd i32) (param $b i32) (param $bEnd i32) (result i32)
    (local $limit i32) (local $n i32) (local $diff i64)
    (local.set $limit (select (i32.sub (local.get $aEnd) (local.get $a)) (i32.sub (local.get $bEnd) (local.get $b))
      (i32.lt_u (i32.sub (local.get $aEnd) (local.get $a)) (i32.sub (local.get $bEnd) (local.get $b)))))
    (block $done
      (loop $word
        (br_if $done (i32.ge_u (local.get $n) (local.get $limit)))
        (local.set $diff (i64.xor (i64.load (i32.add (local.get $a) (local.get $n))) (i64.load (i32.add (local.get $b) (local.get $n)))))
        (if (i64.ne (local.get $diff) (i64.const 0))
          (then
            (local.set $n (i32.add (local.get $n) (i32.wrap_i64 (i64.shr_u (i64.ctz (local.get $diff)) (i64.const 3)))))
            (br $done)))
        (local.set $n (i32.add (local.get $n) (i32.const 8)))
        (br $word)))
    (select (local.get $limit) (local.get $n) (i32.gt_u (local.get $n) (local.get $limit))))

  ;; Whether [$at, $end) holds exactly $count well-formed prefixes (headers at most 33 + 128), the last ending at $end.
  ;; The size is worked out in the loop: a call a prefix, in Liftoff's code, made this check most of round 24's merge
  ;; (~150,000 prefixes in a Public pair's changed tags).
  (func $wellFormedList (param $at i32) (param $end i32) (param $count i32) (result i32)
    (local $header i32)
    (block $done
      (loop $prefix
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $header (i32.load8_u (local.get $at)))
        (if (i32.gt_u (local.get $header) (i32.const 161)) (then (return (i32.const 0))))
        (local.set $at (i32.add (local.get $at) (i32.add (i32.const 1) (i32.shr_u (i32.add (select (local.get $header) (i32.sub (local.get $header) (i32.const 33)) (i32.lt_u (local.get $header) (i32.const 33))) (i32.const 7)) (i32.const 3)))))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $prefix)))
    (i32.and (i32.eq (local.get $at) (local.get $end)) (i32.eqz (local.get $count))))

  ;; The low $n bytes of a 64-bit word ($n from 0 to 8; more is all eight).
  (func $low (param $word i64) (param $n i32) (result i64)
    (if (result i64) (i32.ge_s (local.get $n) (i32.const 8))
      (then (local.get $word))
      (else
        (if (result i64) (i32.le_s (local.get $n) (i32.const 0))
          (then (i64.const 0))
          (else (i64.and (local.get $word)
            (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (i64.const 1))))))))

  ;; The order of the prefixes at $i and $j (the sign of diff.ts compareEncoded's answer): IPv4 before IPv6, then the network bytes (past a prefix's
  ;; significant bytes, zeros), then the header. The network's first and second eight bytes each as a word masked to
  ;; the significant bytes; where two words differ, their lowest differing byte (the first in memory) orders them.
  (func $order (param $i i32) (param $j i32) (result i32)
    (local $headerA i32) (local $headerB i32) (local $nA i32) (local $nB i32) (local $x i64) (local $y i64)
    (local $diff i64) (local $shift i64)
    (local.set $headerA (i32.load8_u (local.get $i)))
    (local.set $headerB (i32.load8_u (local.get $j)))
    (if (i32.ne (i32.ge_u (local.get $headerA) (i32.const 33)) (i32.ge_u (local.get $headerB) (i32.const 33)))
      (then (return (i32.sub (i32.ge_u (local.get $headerA) (i32.const 33)) (i32.ge_u (local.get $headerB) (i32.const 33))))))
    ;; significant bytes: $size less the header
    (local.set $nA (i32.shr_u (i32.add (select (local.get $headerA) (i32.sub (local.get $headerA) (i32.const 33)) (i32.lt_u (local.get $headerA) (i32.const 33))) (i32.const 7)) (i32.const 3)))
    (local.set $nB (i32.shr_u (i32.add (select (local.get $headerB) (i32.sub (local.get $headerB) (i32.const 33)) (i32.lt_u (local.get $headerB) (i32.const 33))) (i32.const 7)) (i32.const 3)))
    (local.set $x (call $low (i64.load offset=1 (local.get $i)) (local.get $nA)))
    (local.set $y (call $low (i64.load offset=1 (local.get $j)) (local.get $nB)))
    (if (i64.eq (local.get $x) (local.get $y))
      (then
        (local.set $x (call $low (i64.load offset=9 (local.get $i)) (i32.sub (local.get $nA) (i32.const 8))))
        (local.set $y (call $low (i64.load offset=9 (local.get $j)) (i32.sub (local.get $nB) (i32.const 8))))
        (if (i64.eq (local.get $x) (local.get $y))
          (then (return (i32.sub (local.get $headerA) (local.get $headerB)))))))
    (local.set $diff (i64.xor (local.get $x) (local.get $y)))
    (local.set $shift (i64.and (i64.ctz (local.get $diff)) (i64.const 56)))
    (i32.sub
      (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (local.get $shift)) (i64.const 0xff)))
      (i32.wrap_i64 (i64.and (i64.shr_u (local.get $y) (local.get $shift)) (i64.const 0xff)))))

  ;; The first prefix after the one at $at that differs from it ($end when none), or -1 when one sorts before it.
  (func $following (param $at i32) (param $end i32) (result i32)
    (local $next i32) (local $order i32)
    (local.set $next (i32.add (local.get $at) (call $size (i32.load8_u (local.get $at)))))
    (block $done
      (loop $prefix
        (br_if $done (i32.ge_u (local.get $next) (local.get $end)))
        (local.set $order (call $order (local.get $at) (local.get $next)))
        (if (i32.lt_s (local.get $order) (i32.const 0)) (then (return (local.get $next))))
        (if (i32.gt_s (local.get $order) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $next (i32.add (local.get $next) (call $size (i32.load8_u (local.get $next)))))
        (br $prefix)))
    (local.get $next))

  ;; The prefixes only in [$b, $bEnd) (added) and only in [$a, $aEnd) (removed), each once, in address order, by one
  ;; merge of the two lists as stored: their addresses, as i32 from $added and from $removed, and their counts at 0
  ;; and 4. Returns 0, or -1 when a list is not the well-formed encoding of its count ($countA, $countB) or is not in
  ;; order (diff.ts then decodes and sorts). A run of identical pairs is found by $common (the prefixes that lie wholly
  ;; in the bytes both lists share from the pair on), walked with $order between each prefix and the next, and left at
  ;; its last pair.
  (func (export "mergeDelta") (param $a i32) (param $aEnd i32) (param $countA i32) (param $b i32) (param $bEnd i32) (param $countB i32)
        (param $added i32) (param $removed i32) (result i32)
    (local $order i32) (local $next i32) (local $nAdded i32) (local $nRemoved i32) (local $size i32) (local $shared i32)
    (local $header i32)
    (if (i32.eqz (i32.and (call $wellFormedList (local.get $a) (local.get $aEnd) (local.get $countA))
                          (call $wellFormedList (local.get $b) (local.get $bEnd) (local.get $countB))))
      (then (return (i32.const -1))))
    (block $done
      (loop $merge
        (br_if $done (i32.and (i32.ge_u (local.get $a) (local.get $aEnd)) (i32.ge_u (local.get $b) (local.get $bEnd))))
        (if (i32.and (i32.lt_u (local.get $a) (local.get $aEnd)) (i32.lt_u (local.get $b) (local.get $bEnd)))
          (then
            ;; the end of the bytes both share from here (the lists are well formed: each prefix ends in its list)
            (local.set $shared (i32.add (local.get $a) (call $common (local.get $a) (local.get $aEnd) (local.get $b) (local.get $bEnd))))
            (local.set $header (i32.load8_u (local.get $a)))
            (local.set $size (i32.add (i32.const 1) (i32.shr_u (i32.add (select (local.get $header) (i32.sub (local.get $header) (i32.const 33)) (i32.lt_u (local.get $header) (i32.const 33))) (i32.const 7)) (i32.const 3))))
            (if (i32.le_u (i32.add (local.get $a) (local.get $size)) (local.get $shared))
              (then
                (block $run
                  (loop $pair
                    ;; the next prefix, if both lists have one and it lies wholly in the shared bytes
                    (br_if $run (i32.ge_u (i32.add (local.get $a) (local.get $size)) (local.get $shared)))
                    (local.set $header (i32.load8_u (i32.add (local.get $a) (local.get $size))))
                    (local.set $next (i32.add (local.get $size) (i32.add (i32.const 1) (i32.shr_u (i32.add (select (local.get $header) (i32.sub (local.get $header) (i32.const 33)) (i32.lt_u (local.get $header) (i32.const 33))) (i32.const 7)) (i32.const 3)))))
                    (br_if $run (i32.gt_u (i32.add (local.get $a) (local.get $next)) (local.get $shared)))
                    (if (i32.gt_s (call $order (local.get $a) (i32.add (local.get $a) (local.get $size))) (i32.const 0)) (then (return (i32.const -1))))
                    (local.set $a (i32.add (local.get $a) (local.get $size)))
                    (local.set $b (i32.add (local.get $b) (local.get $size)))
                    (local.set $size (i32.sub (local.get $next) (local.get $size)))
                    (br $pair)))))))
        (local.set $order
          (if (result i32) (i32.ge_u (local.get $a) (local.get $aEnd))
            (then (i32.const 1))
            (else
              (if (result i32) (i32.ge_u (local.get $b) (local.get $bEnd))
                (then (i32.const -1))
                (else (call $order (local.get $a) (local.get $b)))))))
        (if (i32.le_s (local.get $order) (i32.const 0))
          (then
            (if (i32.lt_s (local.get $order) (i32.const 0))
              (then
                (i32.store (i32.add (local.get $removed) (i32.shl (local.get $nRemoved) (i32.const 2))) (local.get $a))
                (local.set $nRemoved (i32.add (local.get $nRemoved) (i32.const 1)))))
            (local.set $next (call $following (local.get $a) (local.get $aEnd)))
            (if (i32.lt_s (local.get $next) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $a (local.get $next))))
        (if (i32.ge_s (local.get $order) (i32.const 0))
          (then
            (if (i32.gt_s (local.get $order) (i32.const 0))
              (then
                (i32.store (i32.add (local.get $added) (i32.shl (local.get $nAdded) (i32.const 2))) (local.get $b))
                (local.set $nAdded (i32.add (local.get $nAdded) (i32.const 1)))))
            (local.set $next (call $following (local.get $b) (local.get $bEnd)))
            (if (i32.lt_s (local.get $next) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $b (local.get $next))))
        (br $merge)))
    (i32.store (i32.const 0) (local.get $nAdded))
    (i32.store (i32.const 4) (local.get $nRemoved))
    (i32.const 0))
)
